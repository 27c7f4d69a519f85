"""Front-end routes of the cohorts app (under the language prefix). Each is classified in
``aslp_site/core/routes.py``; permission checks live in ``cohorts/permissions.py``."""

from django.urls import path

from .views import alumni, applicant, coordinator, manage, manage_review, offers, public, review

app_name = "cohorts"

urlpatterns = [
    # Public: the calls and past cohorts with their figures; invitation-letter verification
    path("cohorts/", public.cohort_list, name="cohort_list"),
    path("cohorts/<slug:slug>/", public.cohort_detail, name="cohort_detail"),
    path("letters/verify/", offers.verify_letter, name="verify_letter"),
    # Applicants: their own application per cohort (no object id in the URL)
    path("applications/", applicant.my_applications, name="my_applications"),
    path("apply/<slug:slug>/", applicant.apply, name="apply"),
    path("apply/<slug:slug>/autosave/", applicant.autosave, name="autosave"),
    path("apply/<slug:slug>/upload/", applicant.upload_file, name="upload_file"),
    path("apply/<slug:slug>/withdraw/", applicant.withdraw, name="withdraw"),
    path("apply/<slug:slug>/status/", applicant.status, name="status"),
    path("apply/<slug:slug>/offer/", offers.offer_answer, name="offer_answer"),
    path("apply/<slug:slug>/logistics/", offers.logistics, name="logistics"),
    path(
        "apply/<slug:slug>/invitation-letter/", offers.invitation_letter, name="invitation_letter"
    ),
    path("application-files/<int:pk>/", applicant.download_file, name="download_file"),
    path("nominations/<str:token>/", coordinator.nomination_accept, name="nomination_accept"),
    # Economy coordinators
    path("coordinate/", coordinator.coordinator_home, name="coordinator_home"),
    path("coordinate/<slug:slug>/", coordinator.coordinator_cohort, name="coordinator_cohort"),
    path(
        "coordinate/<slug:slug>/<int:pk>/",
        coordinator.coordinator_application,
        name="coordinator_application",
    ),
    path("coordinate/<slug:slug>/rank/", coordinator.coordinator_rank, name="coordinator_rank"),
    path(
        "coordinate/<slug:slug>/nominate/",
        coordinator.coordinator_nominate,
        name="coordinator_nominate",
    ),
    # Reviewers
    path("review/", review.review_queue, name="review_queue"),
    path("review/<int:pk>/", review.review_detail, name="review_detail"),
    path("review/<int:pk>/conflict/", review.review_conflict, name="review_conflict"),
    # Organizers
    path("manage/", manage.manage_home, name="manage_home"),
    path("manage/<slug:slug>/", manage.manage_cohort, name="manage_cohort"),
    path(
        "manage/<slug:slug>/applications/", manage.manage_applications, name="manage_applications"
    ),
    path(
        "manage/<slug:slug>/applications/<int:pk>/",
        manage.manage_application,
        name="manage_application",
    ),
    path(
        "manage/<slug:slug>/applications/<int:pk>/reviewers/",
        manage_review.manage_application_reviewers,
        name="manage_application_reviewers",
    ),
    path(
        "manage/<slug:slug>/assign-reviewers/",
        manage_review.manage_assign_reviewers,
        name="manage_assign_reviewers",
    ),
    path("manage/<slug:slug>/export/<str:what>/", manage.manage_export, name="manage_export"),
    # Alumni: the opt-in directory (alumni and staff) and one's own directory profile
    path("alumni/", alumni.directory, name="alumni_directory"),
    path("alumni/me/", alumni.my_profile, name="alumni_me"),
]
