from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assignments, surveys and certificates")

    def ready(self):
        # Sent assignments and answered surveys count as done in the participant's progress.
        from . import copying, progress, progress_surveys

        progress.register()
        progress_surveys.register()
        # Copying a cohort copies its assignments and surveys too (after its activities).
        copying.register_copiers()
        from . import personal_data

        personal_data.register_assessments()
