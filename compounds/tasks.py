from celery import shared_task

from accounts.actors import SystemActor
from compounds import services


@shared_task(acks_late=True)
def apply_due_tiers_task() -> int:
    """Tiers recorded for this year take effect (beat: 1 January, 00:10)."""
    actor = SystemActor(name="task:compounds.apply_due_tiers_task")  # every district: a sweep
    return services.communities_apply_due_tiers(actor=actor)
