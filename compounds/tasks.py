from celery import shared_task

from compounds import services


@shared_task(acks_late=True)
def apply_due_tiers_task() -> int:
    """Tiers recorded for this year take effect (beat: 1 January, 00:10)."""
    return services.communities_apply_due_tiers()
