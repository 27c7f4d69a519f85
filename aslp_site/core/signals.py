"""Empty the public page cache whenever content that public pages show changes."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .cache import public_cache_invalidate

# Apps (or single models, as "app_label.modelname") whose rows feed public pages. Changes
# anywhere else (sessions, tasks, applications being drafted) leave the cache alone. Later
# features add the models that the public site shows.
PUBLIC_CONTENT_SOURCES = frozenset(
    {
        "wagtailcore",
        "wagtailimages",
        "wagtaildocs",
        "wagtailredirects",
        "wagtailembeds",
        "taggit",
        "public",
        "core",
        "cohorts.economy",
        "cohorts.economyname",
        # Open calls on the home page and the public cohort pages (titles, deadlines, seats,
        # quotas). Applications are left out: drafts are saved every few seconds, and the
        # figures of past cohorts may lag by PUBLIC_PAGE_CACHE_SECONDS.
        "cohorts.programme",
        "cohorts.programmetranslation",
        "cohorts.cohort",
        "cohorts.cohorttranslation",
        "cohorts.economyquota",
        # The public workshop programme (page and PDF) and the link to it on the cohort page.
        "trainings.stage",
        "trainings.stagetranslation",
        "trainings.activity",
        "trainings.activitytranslation",
        "trainings.activity_speakers",
        "trainings.speaker",
        "trainings.speakertranslation",
        "trainings.venue",
        "trainings.venuetranslation",
        "trainings.participantgroup",
        # The public resource library (its page, the resources and what they show). Resources
        # being prepared change too, which costs a few cache misses but keeps this list simple.
        "assessments.resourcelibrarypage",
        "assessments.resource",
        "assessments.resourcetranslation",
        "assessments.resourceauthor",
        "assessments.resourcetopic",
        "assessments.resourcetopictranslation",
        "assessments.resource_files",
        "assessments.resource_topics",
        # The live figures blocks (aslp_site.public.live). A participant row is made when a place
        # is confirmed; it counts in every figure. Its application is left out (drafts are saved
        # every few seconds), so a withdrawal after confirming shows within
        # PUBLIC_PAGE_CACHE_SECONDS.
        "trainings.participant",
        # Educators reached: reports are sent and reviewed by hand, a few a day at most.
        "trainings.disseminationreport",
        # Certificates issued and the completion figures (a valid completion certificate);
        # issued, revoked or re-issued by certificate staff. Their batches are left out: a
        # batch's progress shows nothing public, and each certificate it issues is saved itself.
        "assessments.certificate",
        # Left out on purpose: attendance (check-in saves it every few seconds during the
        # workshop), survey answers and drafts, submissions and completion rules: the public
        # figures do not read them.
    }
)


# Rows that a page view itself creates on first use: Wagtail's site settings (get_or_create with
# empty defaults) and image renditions (resized files made while a page renders). Creating them
# changes nothing visible; edits to them do.
CREATED_ON_READ = frozenset({"public.sitesettings", "wagtailimages.rendition"})


@receiver(post_save)
@receiver(post_delete)
def invalidate_public_cache(sender, **kwargs):
    meta = sender._meta
    if kwargs.get("created") and meta.label_lower in CREATED_ON_READ:
        return
    if meta.app_label in PUBLIC_CONTENT_SOURCES or meta.label_lower in PUBLIC_CONTENT_SOURCES:
        public_cache_invalidate()


@receiver(m2m_changed)
def invalidate_public_cache_on_links(sender, action, **kwargs):
    """Many-to-many links (a session's speakers) change without saving either side."""
    if action.startswith("post_") and sender._meta.label_lower in PUBLIC_CONTENT_SOURCES:
        public_cache_invalidate()
