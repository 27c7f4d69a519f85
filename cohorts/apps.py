from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CohortsConfig(AppConfig):
    name = "cohorts"
    verbose_name = _("Cohorts and selection")

    def ready(self):
        from . import personal_data

        personal_data.register_cohorts()
