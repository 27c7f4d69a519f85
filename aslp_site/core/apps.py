from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "aslp_site.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from . import signals  # noqa: F401
        from .logs import connect_task_signals

        connect_task_signals()
