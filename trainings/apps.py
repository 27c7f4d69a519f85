from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingsConfig(AppConfig):
    name = "trainings"
    verbose_name = _("Training stages")

    def ready(self):
        from . import signals  # noqa: F401 - connects the receivers
        from .personal_data import register_trainings

        register_trainings()
