"""Organizers' edits of a library resource: its content, its classification and the
translations of its title and summary.

Each save locks the resource row (``select_for_update``), writes one audit entry
``assessments.resource_edit`` with the changed values before and after (``part`` says which
section), and changes nothing when nothing changed. The content of a published resource is
refused (``library.content_editable``): it is withdrawn first, so what is public is always what
was reviewed and agreed to. A content change makes the reviews and consents stale by itself
(their fingerprints no longer match, see ``library.fingerprint``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from cohorts import audit
from cohorts.models import Economy

from . import library
from .models import Resource, ResourceTopic, ResourceTranslation, SubmissionFile

CONTENT = ("kind", "language_code", "title", "summary", "body", "licence")


def _file_names(files: Iterable[SubmissionFile]) -> list[str]:
    return sorted(f"{item.pk}: {item.original_name}" for item in files)


def save_content(
    *, resource: Resource, values: Mapping[str, str], files: Iterable[SubmissionFile], actor
) -> bool:
    """Save the content fields and the chosen files (of the resource's version); True if changed."""
    files = list(files)
    with transaction.atomic():
        locked = Resource.objects.select_for_update().get(pk=resource.pk)
        if not library.content_editable(locked):
            raise library.LibraryRefused(
                _("The resource is published: withdraw it before editing its content.")
            )
        allowed = set(locked.version.files.values_list("pk", flat=True))
        if any(item.pk not in allowed for item in files):
            raise library.LibraryRefused(_("Only files of the accepted version can be published."))
        before = {field: getattr(locked, field) for field in CONTENT}
        after = {field: values[field] for field in CONTENT}
        old_files = list(locked.files.all())
        before_files, after_files = _file_names(old_files), _file_names(files)
        changed = [field for field in CONTENT if before[field] != after[field]]
        if not changed and before_files == after_files:
            return False
        for field in changed:
            setattr(locked, field, after[field])
        locked.save(update_fields=[*changed, "updated_at"])
        if before_files != after_files:
            locked.files.set(files)
            changed.append("files")
        old = {field: before[field] for field in changed if field != "files"}
        new = {field: after[field] for field in changed if field != "files"}
        if "files" in changed:
            old["files"], new["files"] = before_files, after_files
        audit.record(
            locked, "assessments.resource_edit", actor, before=old, after=new, part="content"
        )
    return True


def save_metadata(
    *,
    resource: Resource,
    topics: Iterable[ResourceTopic],
    school_level: str,
    economy: Economy | None,
    actor,
) -> bool:
    """Save topics, school level and economy (allowed when published); True if changed."""
    topics = list(topics)
    with transaction.atomic():
        locked = Resource.objects.select_for_update().get(pk=resource.pk)
        before = {
            "topics": sorted(locked.topics.values_list("slug", flat=True)),
            "school_level": locked.school_level,
            "economy": locked.economy.code if locked.economy_id else "",
        }
        after = {
            "topics": sorted(topic.slug for topic in topics),
            "school_level": school_level or "",
            "economy": economy.code if economy else "",
        }
        changed = [key for key in before if before[key] != after[key]]
        if not changed:
            return False
        locked.school_level = after["school_level"]
        locked.economy = economy
        locked.save(update_fields=["school_level", "economy", "updated_at"])
        if "topics" in changed:
            locked.topics.set(topics)
        audit.record(
            locked,
            "assessments.resource_edit",
            actor,
            before={key: before[key] for key in changed},
            after={key: after[key] for key in changed},
            part="metadata",
        )
    return True


def save_translations(*, resource: Resource, pairs: Mapping[str, tuple[str, str]], actor) -> bool:
    """Set the title and summary per language; an empty pair removes that translation.

    ``pairs`` maps a language code (not the resource's own) to ``(title, summary)``.
    """
    with transaction.atomic():
        locked = Resource.objects.select_for_update().get(pk=resource.pk)
        rows = {row.language_code: row for row in locked.translations.all()}
        before, after = {}, {}
        for language, (title, summary) in pairs.items():
            if language == locked.language_code:
                continue
            row = rows.get(language)
            old = [row.title, row.summary] if row else []
            new = [title, summary] if (title or summary) else []
            if old == new:
                continue
            before[language], after[language] = old, new
            if not new:
                row.delete()
            elif row is None:
                ResourceTranslation.objects.create(
                    resource=locked, language_code=language, title=title, summary=summary
                )
            else:
                row.title, row.summary = title, summary
                row.save(update_fields=["title", "summary"])
        if not after:
            return False
        locked.save(update_fields=["updated_at"])
        audit.record(
            locked,
            "assessments.resource_edit",
            actor,
            before=before,
            after=after,
            part="translations",
        )
    return True
