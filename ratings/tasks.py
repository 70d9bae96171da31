"""Thin Celery tasks (queue "reports", routed in settings): they take ids and call services."""

import datetime

from celery import shared_task
from django.utils import timezone

from accounts.actors import SystemActor
from accounts.models import User
from ratings import services
from ratings.models import RatingPeriod


@shared_task(acks_late=True)
def build_quarter_task(period_id: int, actor_id: int | None = None) -> int | None:
    """Ask the report room for a new version of a quarter's lists (ratings.report_kinds.QUARTERLY_LISTS): the
    room's worker computes the scores and renders the PDF, as the period page's button and the API do, so the
    quarter's reports live in one place. Returns the room's build id (the build already in flight when one is);
    a published (frozen) period is left alone."""
    import pghistory

    from accounts.tenancy import tenant_context

    name = "task:ratings.build_quarter_task"
    with tenant_context(SystemActor(name=name)):
        period = RatingPeriod.objects.filter(pk=period_id).first()
    if period is None or period.is_frozen:
        return None
    # The person who asked for the build, or (the beat) the task itself in the period's district.
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    actor = actor or SystemActor(name=name, district_id=period.district_id)
    with tenant_context(actor), pghistory.context(task=name, actor=getattr(actor, "display_name", str(actor))):
        return services.quarter_build_enqueue(actor=actor, period=period).pk


@shared_task
def build_due_quarters_task(today: str | None = None) -> list[int]:
    """Beat, day 1 of January, April, July and October: build the quarter that just ended, for every
    district whose period is not yet published."""
    from accounts.enqueue import enqueue_after_commit
    from accounts.tenancy import tenant_context

    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    periods = services.due_periods(today=day)
    for period in periods:
        # Through the outbox, in the period's district: a broker down at this moment delays the build, no more.
        with tenant_context(SystemActor(name="task:ratings.build_due_quarters_task", district_id=period.district_id)):
            enqueue_after_commit(task=build_quarter_task, args=[period.pk], district_id=period.district_id)
    return [period.pk for period in periods]


@shared_task(acks_late=True)
def request_monthly_rankings_task(today: str | None = None) -> dict[int, int]:
    """On the 1st: ask the report room for the monthly street ranking of the month that just ended, in every
    district (a new version if one exists: the previous stays downloadable). The build itself runs in
    reports.tasks.build_report_task. Returns {district id: build id}."""
    import pghistory

    from accounts.actors import SystemActor
    from accounts.tenancy import tenant_context
    from compounds.models import District
    from ratings.report_kinds import MONTHLY_STREETS
    from reports import services as room

    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    last = day.replace(day=1) - datetime.timedelta(days=1)
    key = f"{last.year}-{last.month:02d}"
    name = "task:ratings.request_monthly_rankings_task"
    with tenant_context(SystemActor(name=name)):
        ids = list(District.objects.order_by("pk").values_list("pk", flat=True))
    builds = {}
    for pk in ids:
        actor = SystemActor(name=name, district_id=pk)
        with tenant_context(actor), pghistory.context(task=name, actor=actor.display_name):
            builds[pk] = room.report_request(actor=actor, kind=MONTHLY_STREETS, key=key).pk
    return builds
