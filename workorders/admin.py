from django.contrib import admin

from workorders.models import (
    Category,
    DeliberationMeeting,
    Escalation,
    Notification,
    Photo,
    RoutingRule,
    TimelineEntry,
    UrgencyClass,
    WorkOrder,
)


@admin.register(UrgencyClass)
class UrgencyClassAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "respond_hours", "resolve_hours", "calendar_time"]
    list_filter = ["district"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "district", "parent", "default_handler_level", "urgency", "is_active"]
    list_filter = ["district", "default_handler_level", "is_active"]
    search_fields = ["name", "code"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["priority", "name", "district", "category", "tier", "management_mode", "three_no", "target_level"]
    list_filter = ["district", "target_level", "mode", "is_active"]


class TimelineInline(admin.TabularInline):
    model = TimelineEntry
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "kind", "from_state", "to_state", "note", "handler_label"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WorkOrder)
class WorkOrderAdmin(admin.ModelAdmin):
    """Read-mostly: states change through the services (and the timeline), not here."""

    list_display = ["tracking_code", "title", "district", "street", "category", "channel", "state", "created_at"]
    list_filter = ["district", "state", "channel"]
    search_fields = ["tracking_code", "title", "external_number"]
    readonly_fields = [f.name for f in WorkOrder._meta.concrete_fields]
    inlines = [TimelineInline]


@admin.register(DeliberationMeeting)
class DeliberationMeetingAdmin(admin.ModelAdmin):
    list_display = ["topic", "held_on", "community", "attendee_count", "follow_up_done"]
    list_filter = ["district"]


admin.site.register(Photo)
admin.site.register(Escalation)
admin.site.register(Notification)
