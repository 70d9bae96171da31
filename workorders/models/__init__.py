"""Work orders 工单 / 诉求: the catalogue (categories and SLA classes), routing rules, the orders with their
timeline, photos, escalations and ratings, deliberation meetings and the staff inbox."""

from workorders.models.catalogue import Category, HandlerLevel, UrgencyClass
from workorders.models.delivery import IdempotencyKey, OutboxMessage
from workorders.models.meetings import DeliberationMeeting
from workorders.models.notifications import Notification
from workorders.models.orders import (
    Channel,
    Escalation,
    Photo,
    Satisfaction,
    State,
    TimelineEntry,
    TimelineKind,
    WorkOrder,
)
from workorders.models.rollup import KpiCommunityMonth, KpiCounter, KpiMonth, StateCounter
from workorders.models.routing import RoutingMode, RoutingRule
from workorders.models.settings import PrivacySettings

__all__ = [
    "Category",
    "Channel",
    "DeliberationMeeting",
    "Escalation",
    "HandlerLevel",
    "IdempotencyKey",
    "KpiCommunityMonth",
    "KpiCounter",
    "KpiMonth",
    "Notification",
    "OutboxMessage",
    "Photo",
    "PrivacySettings",
    "RoutingMode",
    "RoutingRule",
    "Satisfaction",
    "State",
    "StateCounter",
    "TimelineEntry",
    "TimelineKind",
    "UrgencyClass",
    "WorkOrder",
]
