from django.apps import AppConfig


class WorkordersConfig(AppConfig):
    name = "workorders"
    verbose_name = "工单"

    def ready(self) -> None:
        # The outbox answers the ground floor's door (accounts.enqueue), so that lower apps enqueue through it.
        from accounts.enqueue import register_outbox
        from workorders.outbox import outbox_enqueue

        register_outbox(outbox_enqueue)
