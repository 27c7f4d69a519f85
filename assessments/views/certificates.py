"""The participant's certificate: its page, its PDF, and the details it is to be written with.

Rules:

- A participant reaches their own cohort's page only (``participant_or_404``) and their own
  certificates only (``own_certificate_or_404``: a superseded one answers 404); anyone else's
  answers 404.
- The page shows the current certificate (``issuing.current_certificate``: valid or revoked)
  with its public verification link and, while it is valid, its PDF and Open Badges
  credential. A revoked certificate cannot be downloaded (404).
- Before a certificate is issued the page says what the completion outcome gives and holds the
  details form (language, one language only, both names). Once one exists the details are
  fixed: a correction is a re-issue by the programme team.
- Every download is audited (``issuing.record_download``) and served as a private attachment
  named ``<serial>.pdf``.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from aslp_site.core.downloads import private_response
from aslp_site.core.http import method_not_allowed
from trainings.permissions import participant_or_404, participant_required

from .. import completion, issuing, permissions
from ..forms_certificates import CertificateDetailsForm
from ..models import CERTIFICATE_LANGUAGE_NAMES, CertificateDetails

FORM_METHODS = ("GET", "HEAD", "POST")


def credential_url(certificate) -> str:
    """The certificate's Open Badges credential, at its language-neutral address."""
    return issuing.neutral_url("certificate_credential", code=certificate.code)


def _details_of(participant) -> CertificateDetails | None:
    return CertificateDetails.objects.filter(participant=participant).first()


def _issued_context(certificate) -> dict:
    return {
        "certificate": certificate,
        "printed_languages": [
            (code, CERTIFICATE_LANGUAGE_NAMES.get(code, code)) for code in certificate.languages
        ],
        "verification_url": issuing.verification_url(certificate),
        "credential_url": (
            credential_url(certificate) if certificate.is_valid and certificate.credential else ""
        ),
    }


def _details_context(participant, form) -> dict:
    result = completion.evaluate(participant)
    return {"form": form, "completion": result, "eligible_kind": issuing.eligible_kind(result)}


@participant_required
def my_certificate(request, slug):
    participant = participant_or_404(request.user, slug)
    if refused := method_not_allowed(request, FORM_METHODS):
        return refused
    here = redirect("assessments:my_certificate", slug=participant.cohort.slug)
    context = {"participant": participant, "cohort": participant.cohort}
    certificate = issuing.current_certificate(participant)
    if certificate is not None:
        if request.method == "POST":
            messages.error(
                request,
                _(
                    "Your certificate has been issued: its details can no longer be changed "
                    "here. Write to the programme team for a correction."
                ),
            )
            return here
        context.update(_issued_context(certificate))
        return render(request, "assessments/certificates/my_certificate.html", context)
    details = _details_of(participant)
    status = 200
    if request.method == "POST":
        instance = details or CertificateDetails(participant=participant)
        form = CertificateDetailsForm(request.POST, instance=instance)
        if form.is_valid():
            form.save()
            messages.success(request, _("Your certificate details are saved."))
            return here
        status = 400
    else:
        form = CertificateDetailsForm(instance=details, holder=issuing.holder_for(participant))
    context.update(_details_context(participant, form))
    return render(request, "assessments/certificates/my_certificate.html", context, status=status)


@participant_required
def my_certificate_pdf(request, slug, pk):
    """The PDF of the participant's own valid certificate (a revoked one answers 404)."""
    participant = participant_or_404(request.user, slug)
    certificate = permissions.own_certificate_or_404(participant, pk)
    if refused := method_not_allowed(request):
        return refused
    if not certificate.is_valid:
        raise Http404
    try:
        handle = certificate.pdf.open("rb")
    except (FileNotFoundError, ValueError, OSError):
        raise Http404 from None
    if request.method == "GET":
        issuing.record_download(certificate, request.user)
    return private_response(handle, f"{certificate.serial}.pdf", "application/pdf")
