"""Issuing certificates: who gets which kind, serial numbers, the stored PDF, re-issue,
revocation, bulk issue and lookups for the verification page.

Rules:

1. **Kinds.** A participant who completed (``completion.Result.complete``, overrides included)
   gets a certificate of completion; one who attended the onsite workshop without completing
   gets a certificate of attendance; others none. Speakers of a cohort's sessions may get a
   certificate of appreciation.
2. **One current certificate.** A participant has at most one *valid* certificate (a partial
   unique constraint in the database, so two workers cannot both issue one). A revoked
   certificate stays current: the bulk issue does not replace it; a re-issue supersedes a
   valid one.
3. **Serial numbers** (``ASLP-2025-000123``: the cohort's reference prefix and a counter per
   prefix) are taken from a row-locked counter in their own short transaction, before the
   PDF is drawn. A number is never given twice; a run killed between taking a number and
   saving the certificate leaves a gap, never a duplicate.
4. **Verification codes** are 160 random bits (``secrets``), URL-safe; the PDF's QR code
   holds the language-neutral ``/verify/<code>/`` address.
5. **What was printed is kept** on the certificate (names, language, languages), with the
   PDF's SHA-256; later changes to the participant's data change nothing until a re-issue.
6. **Bulk issue** runs in parts, one task each, so that several workers share a cohort: the
   first part to start evaluates the cohort once and fixes the list of holders on the batch
   row; each part issues its share participant by participant (and speaker by speaker), each in
   its own transaction, recording progress on the batch row; the last part to end finishes it.
   Killing it and running it again is safe (R11): who already has a current certificate is
   skipped, and the constraint refuses a second valid one.
7. A missing template or wording, or a name the fonts cannot print, refuses that certificate
   with a translated reason (``IssueRefused``); the batch lists it and goes on.

The PDF itself is drawn by ``assessments.certificates``; the Open Badges credential is
signed by ``assessments.badges``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import secrets
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cohorts import audit
from cohorts.emails import absolute_url
from cohorts.models import Cohort
from trainings.models import Participant, Speaker

from . import completion
from .certificates import (
    CertificateData,
    CertificateError,
    CertificateText,
    MissingGlyph,
    Signatory,
    render_certificate,
    samples,
)
from .models import (
    CERTIFICATE_LANGUAGE_NAMES,
    BatchStatus,
    Certificate,
    CertificateBatch,
    CertificateDetails,
    CertificateKind,
    CertificateStatus,
    CertificateTemplate,
    SerialCounter,
)

# The certificate language of a participant whose details do not say, by the ISO country of
# their economy (English elsewhere).
COUNTRY_LANGUAGES = {
    "KR": "ko",
    "JP": "ja",
    "CN": "zh-hans",
    "TW": "zh-hant",
    "HK": "zh-hant",
    "TH": "th",
    "VN": "vi",
    "ID": "id",
    "MY": "ms",
    "RU": "ru",
    "MX": "es",
    "PE": "es",
    "CL": "es",
}
# A batch "running" without progress for this long was stopped (a killed worker).
STALE_AFTER = dt.timedelta(minutes=2)


class IssueRefused(Exception):
    """This certificate cannot be issued; ``str()`` is a translated reason."""


class AlreadyIssued(IssueRefused):
    """The holder already has a current certificate."""


# -- Holders ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Holder:
    language: str
    single_language: bool
    native_name: str
    latin_name: str
    family_name: str


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def default_language(participant: Participant) -> str:
    application = participant.application
    economy = application.economy
    by_country = COUNTRY_LANGUAGES.get(economy.iso_country.upper()) if economy else None
    if by_country:
        return by_country
    if application.preferred_language in CERTIFICATE_LANGUAGE_NAMES:
        return application.preferred_language
    return "en"


def holder_for(participant: Participant) -> Holder:
    """How the participant's certificate is written: their ``CertificateDetails`` when set,
    else the application (names as in the passport, language from the economy)."""
    application = participant.application
    latin = _clean(f"{application.given_names} {application.family_name}")
    family = _clean(application.family_name)
    try:
        details = participant.certificate_details
    except CertificateDetails.DoesNotExist:
        details = None
    if details is not None:
        latin_name = _clean(details.latin_name) or latin
        return Holder(
            language=details.language,
            single_language=details.single_language,
            native_name=_clean(details.native_name) or latin_name,
            latin_name=latin_name,
            family_name=family or latin_name.rsplit(" ", 1)[-1],
        )
    return Holder(
        language=default_language(participant),
        single_language=False,
        native_name=_clean(application.native_name) or latin,
        latin_name=latin,
        family_name=family,
    )


def _script_language(name: str) -> str:
    """A speaker's certificate language guessed from the script of their native name."""
    for char in name:
        if "\uac00" <= char <= "\ud7a3":
            return "ko"
        if "\u3040" <= char <= "\u30ff":
            return "ja"
        if "\u0e00" <= char <= "\u0e7f":
            return "th"
        if "\u0400" <= char <= "\u04ff":
            return "ru"
    return "en"


def speaker_holder(speaker: Speaker) -> Holder:
    latin = _clean(speaker.name)
    native = _clean(speaker.native_name) or latin
    return Holder(
        language=_script_language(native),
        single_language=False,
        native_name=native,
        latin_name=latin,
        family_name=latin.rsplit(" ", 1)[-1] if latin else "",
    )


def eligible_kind(result: completion.Result) -> str | None:
    if result.complete:
        return CertificateKind.COMPLETION
    if result.attended:
        return CertificateKind.ATTENDANCE
    return None


def cohort_speakers(cohort: Cohort):
    """The speakers of the cohort's sessions, by name."""
    return Speaker.objects.filter(activities__stage__cohort=cohort).distinct().order_by("name")


# -- The cohort's template as the PDF engine wants it -------------------------------------------


def _image_bytes(field) -> bytes | None:
    """The bytes of a logo or signature file (private storage), or None when there is none."""
    if not field:
        return None
    with field.open("rb") as handle:
        return handle.read()


def _cohort_dates(cohort: Cohort) -> tuple[dt.date | None, dt.date | None]:
    starts = [d for d in (cohort.pre_training_starts, cohort.workshop_starts) if d]
    ends = [d for d in (cohort.post_training_ends, cohort.workshop_ends) if d]
    return (min(starts) if starts else None, max(ends) if ends else None)


@dataclass
class Design:
    """A cohort's template, loaded once (images read once) for many certificates."""

    cohort: Cohort
    template: CertificateTemplate
    signatories: tuple[Signatory, ...]
    logos: tuple[bytes, ...]
    programme: dict[str, str] = field(default_factory=dict)
    cohort_title: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, cohort: Cohort) -> Design:
        template = (
            CertificateTemplate.objects.prefetch_related("wordings", "signatories")
            .filter(cohort=cohort)
            .first()
        )
        if template is None:
            raise IssueRefused(_("This cohort has no certificate template yet."))
        signatories = tuple(
            Signatory(row.name, row.title, _image_bytes(row.signature))
            for row in template.signatories.all()
        )
        logos = tuple(
            png for png in (_image_bytes(template.logo), _image_bytes(template.second_logo)) if png
        )
        programme = cohort.programme
        languages = list(CERTIFICATE_LANGUAGE_NAMES)
        return cls(
            cohort=cohort,
            template=template,
            signatories=signatories,
            logos=logos,
            programme={lang: programme.translated("title", lang) for lang in languages},
            cohort_title={lang: cohort.translated("title", lang) for lang in languages},
        )

    def languages_for(self, holder: Holder) -> tuple[str, ...]:
        if holder.single_language or not self.template.bilingual or holder.language == "en":
            return (holder.language,)
        return ("en", holder.language)

    def texts(self, kind: str, languages: tuple[str, ...]) -> dict[str, CertificateText]:
        texts = {}
        for language in languages:
            row = self.template.wording(kind, language)
            if row is None:
                raise IssueRefused(
                    _("The certificate template has no %(language)s wording for %(kind)s.")
                    % {
                        "language": CERTIFICATE_LANGUAGE_NAMES[language],
                        "kind": CertificateKind(kind).label,
                    }
                )
            texts[language] = CertificateText(row.title, row.body, row.issued_label)
        return texts

    def data(
        self,
        *,
        kind: str,
        holder: Holder,
        serial: str,
        url: str,
        issued_on: dt.date,
    ) -> CertificateData:
        languages = self.languages_for(holder)
        start, end = _cohort_dates(self.cohort)
        latin = holder.latin_name if holder.latin_name != holder.native_name else ""
        return CertificateData(
            serial=serial,
            verification_url=url,
            issued_on=issued_on,
            issuer=self.template.issuer,
            holder_language=holder.language,
            holder_name=holder.native_name,
            holder_name_latin=latin,
            texts=self.texts(kind, languages),
            languages=languages,
            programme=self.programme,
            cohort=self.cohort_title,
            start_date=start,
            end_date=end,
            hours=self.template.hours,
            signatories=self.signatories,
            logos=self.logos,
            primary_colour=self.template.primary_colour,
            secondary_colour=self.template.secondary_colour,
        )


def problems(cohort: Cohort, results: list[completion.Result] | None = None) -> list[str]:
    """Why issuing the cohort's certificates would fail, as translated sentences: no template,
    or wording missing for a kind and language some eligible participant needs. ``results``
    (the cohort's evaluation) is made here when not given."""
    try:
        design = Design.load(cohort)
    except IssueRefused as exc:
        return [str(exc)]
    if results is None:
        results = list(completion.evaluate_cohort(cohort).values())
    prefetch_related_objects(
        [result.participant for result in results], "certificate_details", "application__economy"
    )
    needed: dict[tuple[str, str], int] = {}
    for result in results:
        kind = eligible_kind(result)
        if kind is None:
            continue
        for language in design.languages_for(holder_for(result.participant)):
            needed[(kind, language)] = needed.get((kind, language), 0) + 1
    found = []
    for (kind, language), count in sorted(needed.items()):
        if design.template.wording(kind, language) is None:
            found.append(
                _(
                    "No %(language)s wording for %(kind)s certificates: "
                    "%(count)s participants need it."
                )
                % {
                    "language": CERTIFICATE_LANGUAGE_NAMES[language],
                    "kind": CertificateKind(kind).label.lower(),
                    "count": count,
                }
            )
    return found


# -- Serials, codes, addresses --------------------------------------------------------------------


def next_serial(cohort: Cohort) -> str:
    """The next serial number under the cohort's prefix, committed at once (see rule 3)."""
    prefix = cohort.reference_prefix
    with transaction.atomic():
        SerialCounter.objects.get_or_create(prefix=prefix)
        SerialCounter.objects.filter(prefix=prefix).update(last=F("last") + 1)
        number = SerialCounter.objects.get(prefix=prefix).last
    return f"{prefix}-{number:06d}"


def new_code() -> str:
    return secrets.token_urlsafe(20)


def neutral_path(name: str, **kwargs) -> str:
    """The path of ``assessments:<name>`` without a language prefix: printed, signed and
    e-mailed addresses are language-neutral (the pages follow the visitor's language)."""
    with translation.override(settings.LANGUAGE_CODE):
        return reverse(f"assessments:{name}", kwargs=kwargs or None)


def neutral_url(name: str, **kwargs) -> str:
    return absolute_url(neutral_path(name, **kwargs))


def verification_path(code: str) -> str:
    return neutral_path("verify_certificate", code=code)


def verification_url(certificate: Certificate) -> str:
    return absolute_url(verification_path(certificate.code))


# -- Issuing --------------------------------------------------------------------------------------


def _has_current(participant: Participant) -> bool:
    return Certificate.objects.current().filter(participant=participant).exists()


def _render(design: Design, *, kind: str, holder: Holder, serial: str, code: str, issued_on):
    data = design.data(
        kind=kind,
        holder=holder,
        serial=serial,
        url=absolute_url(verification_path(code)),
        issued_on=issued_on,
    )
    try:
        return render_certificate(data), data.effective_languages()
    except MissingGlyph as exc:
        raise IssueRefused(
            _("The name “%(name)s” has a character the certificate cannot print: %(char)s")
            % {"name": holder.native_name, "char": exc.char}
        ) from exc
    except CertificateError as exc:
        raise IssueRefused(
            _("The certificate could not be drawn: %(error)s") % {"error": exc}
        ) from exc


def _create(
    design: Design,
    *,
    kind: str,
    holder: Holder,
    participant: Participant | None = None,
    speaker: Speaker | None = None,
    by=None,
    batch: CertificateBatch | None = None,
    replaces: Certificate | None = None,
    reason: str = "",
) -> Certificate:
    from . import badges

    cohort = design.cohort
    issued_on = timezone.localdate()
    serial = next_serial(cohort)
    code = new_code()
    pdf, languages = _render(
        design, kind=kind, holder=holder, serial=serial, code=code, issued_on=issued_on
    )
    certificate = Certificate(
        cohort=cohort,
        kind=kind,
        participant=participant,
        speaker=speaker,
        serial=serial,
        code=code,
        holder_name=holder.native_name,
        holder_name_latin=holder.latin_name,
        holder_family_name=holder.family_name,
        language=holder.language,
        languages=list(languages),
        issued_on=issued_on,
        issued_by=by if getattr(by, "is_authenticated", False) else None,
        replaces=replaces,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        batch=batch,
    )
    certificate.credential = badges.sign(certificate)
    certificate.pdf.save(f"{code}.pdf", io.BytesIO(pdf), save=False)
    stored = certificate.pdf.name
    try:
        with transaction.atomic():
            if replaces is not None:
                locked = Certificate.objects.select_for_update().get(pk=replaces.pk)
                if locked.status != CertificateStatus.VALID:
                    raise IssueRefused(_("Only a valid certificate can be re-issued."))
                Certificate.objects.filter(pk=replaces.pk).update(
                    status=CertificateStatus.SUPERSEDED,
                    status_changed_at=timezone.now(),
                    status_changed_by=certificate.issued_by,
                    status_reason=reason,
                )
            certificate.save()
            if replaces is not None:
                replaces.refresh_from_db()
                audit.record(
                    certificate,
                    "assessments.certificate_reissue",
                    by,
                    replaces=replaces.serial,
                    reason=reason,
                )
            else:
                audit.record(
                    certificate,
                    "assessments.certificate_issue",
                    by,
                    serial=serial,
                    kind=kind,
                    holder=holder.latin_name,
                    batch=batch.pk if batch else None,
                )
    except IntegrityError as exc:
        certificate.pdf.storage.delete(stored)
        raise AlreadyIssued(
            _("%(name)s already has a certificate.") % {"name": holder.latin_name}
        ) from exc
    except BaseException:
        certificate.pdf.storage.delete(stored)
        raise
    return certificate


def _notify(certificate: Certificate, *, reissued: bool = False) -> None:
    from trainings.emails import participant_language, send_to_participant

    participant = certificate.participant
    if participant is None or not participant.user.email:
        return
    with translation.override(participant_language(participant)):
        page = reverse("assessments:my_certificate", kwargs={"slug": certificate.cohort.slug})
    send_to_participant(
        participant,
        "certificate_issued",
        {
            "certificate": certificate,
            "certificate_url": absolute_url(page),
            "verification_url": verification_url(certificate),
            "reissued": reissued,
        },
    )
    Certificate.objects.filter(pk=certificate.pk).update(emailed_at=timezone.now())


def issue_participant(
    participant: Participant,
    *,
    by=None,
    kind: str | None = None,
    batch: CertificateBatch | None = None,
    send_email: bool = True,
    design: Design | None = None,
) -> Certificate:
    """Issue the participant's certificate (of the kind their outcome gives unless ``kind``)."""
    if not participant.is_active:
        raise IssueRefused(_("%(name)s is not an active participant.") % {"name": participant})
    if kind is None:
        kind = eligible_kind(completion.evaluate(participant))
        if kind is None:
            raise IssueRefused(
                _("%(name)s has neither completed the programme nor attended the workshop.")
                % {"name": participant}
            )
    if _has_current(participant):
        raise AlreadyIssued(_("%(name)s already has a certificate.") % {"name": participant})
    design = design or Design.load(participant.cohort)
    certificate = _create(
        design,
        kind=kind,
        holder=holder_for(participant),
        participant=participant,
        by=by,
        batch=batch,
    )
    if send_email:
        _notify(certificate)
    return certificate


def issue_speaker(
    cohort: Cohort,
    speaker: Speaker,
    *,
    by=None,
    batch: CertificateBatch | None = None,
    design: Design | None = None,
) -> Certificate:
    """A certificate of appreciation for a speaker of the cohort's sessions."""
    if not cohort_speakers(cohort).filter(pk=speaker.pk).exists():
        raise IssueRefused(
            _("%(name)s speaks at none of this cohort's sessions.") % {"name": speaker}
        )
    current = Certificate.objects.current().filter(cohort=cohort, speaker=speaker).exists()
    if current:
        raise AlreadyIssued(_("%(name)s already has a certificate.") % {"name": speaker})
    return _create(
        design or Design.load(cohort),
        kind=CertificateKind.APPRECIATION,
        holder=speaker_holder(speaker),
        speaker=speaker,
        by=by,
        batch=batch,
    )


def reissue(certificate: Certificate, *, by, reason: str, send_email: bool = True) -> Certificate:
    """A new certificate (new serial, code and PDF, from the holder's current details) that
    supersedes ``certificate``, which must be valid."""
    if certificate.status != CertificateStatus.VALID:
        raise IssueRefused(_("Only a valid certificate can be re-issued."))
    if not reason.strip():
        raise IssueRefused(_("Give the reason for the re-issue."))
    if certificate.participant is not None:
        holder = holder_for(certificate.participant)
    elif certificate.speaker is not None:
        holder = speaker_holder(certificate.speaker)
    else:
        raise IssueRefused(_("The holder's record no longer exists."))
    new = _create(
        Design.load(certificate.cohort),
        kind=certificate.kind,
        holder=holder,
        participant=certificate.participant,
        speaker=certificate.speaker,
        by=by,
        replaces=certificate,
        reason=reason.strip(),
    )
    certificate.refresh_from_db()
    if send_email:
        _notify(new, reissued=True)
    return new


def revoke(certificate: Certificate, *, by, reason: str) -> None:
    """Revoke a valid certificate; the verification page then says so, with the reason."""
    reason = reason.strip()
    if not reason:
        raise IssueRefused(_("Give the reason for the revocation."))
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.status != CertificateStatus.VALID:
            raise IssueRefused(_("Only a valid certificate can be revoked."))
        now = timezone.now()
        Certificate.objects.filter(pk=certificate.pk).update(
            status=CertificateStatus.REVOKED,
            status_changed_at=now,
            status_changed_by=by if getattr(by, "is_authenticated", False) else None,
            status_reason=reason,
        )
        certificate.refresh_from_db()
        audit.record(certificate, "assessments.certificate_revoke", by, reason=reason)


def record_download(certificate: Certificate, user) -> None:
    audit.record(certificate, "assessments.certificate_download", user, serial=certificate.serial)


def pdf_bytes(certificate: Certificate) -> bytes:
    with certificate.pdf.open("rb") as handle:
        return handle.read()


def preview_pdf(template: CertificateTemplate, kind: str, language: str) -> bytes:
    """The template's certificate of ``kind`` in ``language`` for a sample holder."""
    design = Design.load(template.cohort)
    native, latin = next(
        ((name, latin) for lang, name, latin in samples.HOLDERS if lang == language),
        ("Jane Smith", ""),
    )
    holder = Holder(language, False, native, latin or native, "")
    prefix = template.cohort.reference_prefix
    pdf, _languages = _render(
        design,
        kind=kind,
        holder=holder,
        serial=f"{prefix}-000000",
        code="preview",
        issued_on=timezone.localdate(),
    )
    return pdf


# -- Bulk issue -----------------------------------------------------------------------------------
#
# A batch runs as ``parts`` tasks so that several task workers (on one machine or many) share
# one cohort's certificates. The first part to start evaluates the cohort once and stores the
# holders to consider on the batch row (``targets``, in name order, under a row lock, so every
# part sees the same list); part ``k`` of ``n`` then takes the targets whose position modulo
# ``n`` is ``k``. Each certificate adds to the batch's counters with one UPDATE of F()
# expressions (a refused one appends its reason under a row lock), and each part counts itself
# done under a row lock: the one that completes the count marks the batch finished, once.
# Serial numbers come from the row-locked counter and the partial unique constraint keeps one
# valid certificate per holder, so parts, and overlapping batches, never issue twice.
#
# How many parts: one per ``CERTIFICATE_BATCH_PART_SIZE`` (default 50) active participants
# (and speakers, when included), at most ``CERTIFICATE_BATCH_PARTS`` (default 8; 1 runs every
# batch as a single task). A part costs a task of its own and loads the template once, so
# small cohorts stay in one part.

PARTICIPANT, SPEAKER = "p", "s"
PROGRESS_FIELDS = ("status", "processed", "issued", "skipped", "failed", "errors", "updated_at")


def is_interrupted(batch: CertificateBatch, now=None) -> bool:
    """A batch waiting or running without progress for ``STALE_AFTER``: its worker was killed
    or is not running (any part that still runs keeps it fresh). Starting another is then
    safe (see rule 6)."""
    now = now or timezone.now()
    return batch.is_active and now - batch.updated_at > STALE_AFTER


def batch_parts(cohort: Cohort, *, include_speakers: bool = False) -> int:
    """How many tasks a batch of the cohort is split into (see above)."""
    most = max(1, settings.CERTIFICATE_BATCH_PARTS)
    size = max(1, settings.CERTIFICATE_BATCH_PART_SIZE)
    count = Participant.objects.active().filter(cohort=cohort).count()
    if include_speakers:
        count += cohort_speakers(cohort).count()
    return max(1, min(most, -(-count // size)))


def start_batch(
    cohort: Cohort,
    *,
    by,
    include_speakers: bool = False,
    send_email: bool = True,
    parts: int | None = None,
) -> CertificateBatch:
    """Create a batch and queue its parts for the workers (``parts`` tasks, by default
    ``batch_parts``); an active batch of the cohort (one that is still making progress) is
    returned instead of starting a second."""
    from .tasks import issue_certificates

    active = CertificateBatch.objects.filter(
        cohort=cohort, status__in=[BatchStatus.QUEUED, BatchStatus.RUNNING]
    ).first()
    if active is not None and not is_interrupted(active):
        return active
    if parts is None:
        parts = batch_parts(cohort, include_speakers=include_speakers)
    parts = max(1, parts)
    batch = CertificateBatch.objects.create(
        cohort=cohort,
        include_speakers=include_speakers,
        send_email=send_email,
        parts=parts,
        started_by=by if getattr(by, "is_authenticated", False) else None,
    )
    audit.record(batch.cohort, "assessments.certificate_batch", by, batch=batch.pk)

    def enqueue() -> None:
        for part in range(parts):
            issue_certificates.enqueue(batch.pk, part, parts)

    transaction.on_commit(enqueue)
    return batch


def _targets(cohort: Cohort, include_speakers: bool) -> list[list]:
    """The holders a batch considers, in order: eligible participants by name, then speakers."""
    targets: list[list] = [
        [PARTICIPANT, result.participant.pk, kind]
        for result in completion.evaluate_cohort(cohort).values()
        if (kind := eligible_kind(result)) is not None
    ]
    if include_speakers:
        targets += [
            [SPEAKER, speaker.pk, CertificateKind.APPRECIATION]
            for speaker in cohort_speakers(cohort)
        ]
    return targets


def _fail(batch: CertificateBatch, error: dict) -> bool:
    """Mark the batch failed (unless it already ended) and list ``error`` once; True when
    this call ended the batch."""
    with transaction.atomic():
        locked = CertificateBatch.objects.select_for_update().get(pk=batch.pk)
        fields = ["updated_at"]
        if error not in locked.errors:
            locked.errors = [*locked.errors, error]
            fields.append("errors")
        ended = locked.is_active
        if ended:
            locked.status = BatchStatus.FAILED
            locked.finished_at = timezone.now()
            fields += ["status", "finished_at"]
        locked.save(update_fields=fields)
    return ended


def _claim(batch: CertificateBatch) -> bool:
    """Mark the batch running and fix its targets if no part did yet; False when the batch
    has ended already (another part failed it), so there is nothing to do."""
    with transaction.atomic():
        locked = CertificateBatch.objects.select_for_update().get(pk=batch.pk)
        if not locked.is_active:
            return False
        fields = ["status", "updated_at"]
        if locked.targets is None:
            locked.targets = _targets(batch.cohort, locked.include_speakers)
            locked.total = len(locked.targets)
            locked.started_at = timezone.now()
            fields += ["targets", "total", "started_at"]
        locked.status = BatchStatus.RUNNING
        locked.save(update_fields=fields)
    return True


def _count(batch: CertificateBatch, outcome: str, error: dict | None = None) -> None:
    """One target considered: ``outcome`` is "issued", "skipped" or "failed"."""
    changes = {
        "processed": F("processed") + 1,
        outcome: F(outcome) + 1,
        "updated_at": timezone.now(),
    }
    rows = CertificateBatch.objects.filter(pk=batch.pk)
    if error is None:
        rows.update(**changes)
        return
    with transaction.atomic():
        errors = rows.select_for_update().values_list("errors", flat=True).get()
        rows.update(errors=[*errors, error], **changes)


def _finish_part(batch: CertificateBatch) -> bool:
    """Count this part done; the part that completes the count finishes the batch (and
    gets True)."""
    with transaction.atomic():
        locked = CertificateBatch.objects.select_for_update().get(pk=batch.pk)
        locked.parts_done += 1
        fields = ["parts_done", "updated_at"]
        ended = locked.parts_done >= locked.parts and locked.status == BatchStatus.RUNNING
        if ended:
            locked.status = BatchStatus.FINISHED
            locked.finished_at = timezone.now()
            fields += ["status", "finished_at"]
        locked.save(update_fields=fields)
    return ended


def _holders(cohort: Cohort, targets: list[list]) -> dict[tuple[str, int], Participant | Speaker]:
    """The participants and speakers of ``targets`` by (kind of holder, id), loaded at once."""
    found: dict[tuple[str, int], Participant | Speaker] = {}
    participant_ids = [pk for who, pk, _kind in targets if who == PARTICIPANT]
    if participant_ids:
        participants = list(
            Participant.objects.filter(pk__in=participant_ids).select_related(
                "application__economy", "user", "certificate_details"
            )
        )
        for participant in participants:
            participant.cohort = cohort
            found[(PARTICIPANT, participant.pk)] = participant
    speaker_ids = [pk for who, pk, _kind in targets if who == SPEAKER]
    for speaker in Speaker.objects.filter(pk__in=speaker_ids):
        found[(SPEAKER, speaker.pk)] = speaker
    return found


def _issue_one(
    batch: CertificateBatch, design: Design, holder: Participant | Speaker, kind: str
) -> None:
    if isinstance(holder, Participant):
        issue_participant(
            holder,
            by=batch.started_by,
            kind=kind,
            batch=batch,
            send_email=batch.send_email,
            design=design,
        )
    else:
        issue_speaker(batch.cohort, holder, by=batch.started_by, batch=batch, design=design)


def run_batch(
    batch: CertificateBatch,
    progress: Callable[[CertificateBatch], None] | None = None,
    *,
    part: int = 0,
    parts: int | None = None,
) -> CertificateBatch:
    """Run part ``part`` of the batch: issue the missing certificates of its share of the
    eligible participants (and speakers). With one part (the default) that is all of them.
    ``progress`` is called with the batch (its counters read back) after each holder.
    Returns the batch as it then is in the database, with ``ended_here`` True when this part
    is the one that marked it finished (or failed)."""
    if parts is not None and parts != batch.parts:
        raise ValueError(f"part {part} of {parts}, but batch {batch.pk} has {batch.parts} parts")
    parts = batch.parts
    if not 0 <= part < parts:
        raise ValueError(f"no part {part} in batch {batch.pk} of {parts} parts")
    cohort = batch.cohort
    try:
        design = Design.load(cohort)
    except IssueRefused as exc:
        ended = _fail(batch, {"name": "", "error": str(exc)})
        batch.refresh_from_db()
        batch.ended_here = ended
        return batch
    if not _claim(batch):
        batch.refresh_from_db()
        batch.ended_here = False
        return batch
    batch.refresh_from_db()
    if progress:
        progress(batch)
    mine = [target for index, target in enumerate(batch.targets) if index % parts == part]
    try:
        holders = _holders(cohort, mine)
        current = set(
            Certificate.objects.current()
            .filter(cohort=cohort)
            .values_list("participant_id", "speaker_id")
        )
        done = {PARTICIPANT: {p for p, _s in current if p}, SPEAKER: {s for _p, s in current if s}}
        for who, pk, kind in mine:
            holder = holders.get((who, pk))
            if holder is None:
                _count(
                    batch,
                    "failed",
                    {"name": f"#{pk}", "error": _("This holder no longer exists.")},
                )
            elif pk in done[who]:
                _count(batch, "skipped")
            else:
                try:
                    _issue_one(batch, design, holder, kind)
                except AlreadyIssued:
                    _count(batch, "skipped")
                except IssueRefused as exc:
                    _count(batch, "failed", {"name": str(holder), "error": str(exc)})
                else:
                    _count(batch, "issued")
            if progress:
                batch.refresh_from_db(fields=PROGRESS_FIELDS)
                progress(batch)
    except BaseException as exc:
        _fail(batch, {"name": "", "error": f"{type(exc).__name__}: {exc}"})
        batch.refresh_from_db()
        raise
    ended = _finish_part(batch)
    batch.refresh_from_db()
    batch.ended_here = ended
    if progress:
        progress(batch)
    return batch


# -- Lookups and downloads ----------------------------------------------------------------------


def _fold(text: str) -> str:
    """Case, accents and spacing folded away, for comparing family names."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.casefold().split())


def find_by_code(code: str) -> Certificate | None:
    if not code or len(code) > 64:
        return None
    return (
        Certificate.objects.select_related("cohort__programme", "replaced_by")
        .filter(code=code)
        .first()
    )


def find_by_serial(serial: str, family_name: str) -> Certificate | None:
    """The certificate with this serial if the family name matches (else None, the same
    answer as for an unknown serial); any family name for a holder whose name was erased."""
    serial = (serial or "").strip().upper()
    wanted = _fold(family_name)
    if not serial or not wanted:
        return None
    certificate = (
        Certificate.objects.select_related("cohort__programme", "replaced_by")
        .filter(serial=serial)
        .first()
    )
    if certificate is None:
        return None
    if not certificate.holder_name:
        # The holder's name was erased at their request: none is left to protect, so any
        # family name finds it (it then verifies without a name).
        return certificate
    names = {_fold(certificate.holder_family_name)}
    if certificate.holder_name_latin:
        names.add(_fold(certificate.holder_name_latin.rsplit(" ", 1)[-1]))
    return certificate if wanted in names else None


def current_certificate(participant: Participant) -> Certificate | None:
    """The participant's certificate that is not superseded (valid or revoked), if any."""
    return (
        Certificate.objects.current()
        .filter(participant=participant)
        .order_by("-issued_at", "-pk")
        .first()
    )


def write_zip(cohort: Cohort, target) -> int:
    """Every valid certificate of the cohort as ``<serial>.pdf`` in a ZIP written to
    ``target``; returns how many. Entries are stored (PDFs are compressed already) and dated
    by their issue date, so the same certificates give the same archive."""
    certificates = Certificate.objects.filter(
        cohort=cohort, status=CertificateStatus.VALID
    ).order_by("serial")
    count = 0
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as archive:
        for certificate in certificates.iterator():
            info = zipfile.ZipInfo(
                f"{certificate.serial}.pdf", date_time=certificate.issued_on.timetuple()[:6]
            )
            info.external_attr = 0o644 << 16
            archive.writestr(info, pdf_bytes(certificate))
            count += 1
    return count


def zip_bytes(cohort: Cohort) -> bytes:
    buffer = io.BytesIO()
    write_zip(cohort, buffer)
    return buffer.getvalue()
