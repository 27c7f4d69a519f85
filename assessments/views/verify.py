"""The public verification of certificates, and the Open Badges documents verifiers fetch.

Rules:

1. Anyone may verify, without signing in: by the verification code (printed and in the QR
   code), or by serial number plus family name (case and accents do not matter). A lookup that
   finds nothing gets one answer, whether or not the serial exists with another family name.
   A certificate whose holder's name was erased at their request (``assessments.personal_data``)
   answers to its serial with any family name: there is no name left to protect.
2. Every lookup counts against a per-address rate limit (``cohorts.ratelimit``): the form's
   and each opening of a certificate's page.
3. The page answers in the visitor's language. The QR code holds the unprefixed address; a
   browser that prefers another site language (language cookie, else Accept-Language) is sent
   to that language's address, unless it came from a page of this site (the language
   switcher), so a visitor who picks English stays on English.
4. The page shows what the certificate prints (names, programme, cohort and its dates, kind,
   serial number, issue date) and its status, with the check of its Open Badges credential;
   nothing else about the holder. After an erasure it says the name was removed at the
   holder's request. It is never cached and asks search engines not to index it.
5. The JSON documents are public and cacheable for a few minutes; a credential (it names its
   holder) only by the browser. A code that names no certificate, or one without a stored
   credential: 404.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_http_methods

from cohorts import ratelimit

from .. import badges, issuing
from ..models import Certificate, CertificateStatus
from ..personal_data import holder_erased

# Lookups per address and minute (form submissions and certificate pages together).
VERIFY_LIMIT = 30
VERIFY_PERIOD = 60
RATE_SCOPE = "certificate-verify"
# Seconds the public JSON documents may be cached.
DOCUMENT_MAX_AGE = 300
CREDENTIAL_MAX_AGE = 3600
READ_ONLY = ("GET", "HEAD")
# What a verification code can look like (``secrets.token_urlsafe``); anything else is not
# looked up at all (PostgreSQL refuses NUL bytes in a query).
CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
# The verification result's look per status (static/css/offers.css).
STATE_CLASSES = {
    CertificateStatus.VALID: "valid",
    CertificateStatus.REVOKED: "withdrawn",
    CertificateStatus.SUPERSEDED: "replaced",
}


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Verification code"),
        max_length=64,
        required=False,
        help_text=gettext_lazy("As printed under the QR code, letters in the same case."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    serial = forms.CharField(
        label=gettext_lazy("Serial number"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("For example ASLP-2026-000123."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    family_name = forms.CharField(
        label=gettext_lazy("Holder's family name"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("In Latin letters, as on the certificate."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean(self):
        data = super().clean()
        code = (data.get("code") or "").strip()
        serial = (data.get("serial") or "").strip()
        family_name = (data.get("family_name") or "").strip()
        if not code and not (serial and family_name):
            if serial and not family_name:
                self.add_error("family_name", _("Enter the holder's family name."))
            elif family_name and not serial:
                self.add_error("serial", _("Enter the serial number."))
            else:
                raise forms.ValidationError(
                    _("Enter the verification code, or the serial number and the family name.")
                )
        data.update(code=code, serial=serial, family_name=family_name)
        return data

    def lookup(self) -> Certificate | None:
        data = self.cleaned_data
        if data["code"]:
            return find_by_code(data["code"])
        return issuing.find_by_serial(data["serial"], data["family_name"])


def find_by_code(code: str) -> Certificate | None:
    return issuing.find_by_code(code) if CODE_PATTERN.fullmatch(code or "") else None


def _not_found_message() -> str:
    return _(
        "No certificate matches these details. Check the verification code, or the serial "
        "number and the family name, exactly as printed on the certificate. A certificate "
        "that cannot be found here was not issued by the programme."
    )


def _limited(request):
    if ratelimit.allow(request, RATE_SCOPE, limit=VERIFY_LIMIT, period=VERIFY_PERIOD):
        return None
    return ratelimit.too_many_requests(request, retry_after=VERIFY_PERIOD)


# -- Pages ----------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def verify_form(request):
    if request.method == "POST":
        if refused := _limited(request):
            return refused
        form = VerifyForm(request.POST)
        if form.is_valid():
            certificate = form.lookup()
            if certificate is not None:
                return redirect("assessments:verify_certificate", code=certificate.code)
            form.add_error(None, _not_found_message())
    else:
        form = VerifyForm()
    return render(request, "assessments/certificates/verify.html", {"form": form})


def _came_from_this_site(request) -> bool:
    referer = request.META.get("HTTP_REFERER", "")
    return bool(referer) and urlsplit(referer).netloc == request.get_host()


def _language_redirect(request, code: str):
    """Send an unprefixed address to the visitor's preferred site language (rule 3)."""
    if translation.get_language_from_path(request.path_info) or _came_from_this_site(request):
        return None
    preferred = translation.get_language_from_request(request, check_path=False)
    if preferred == translation.get_language() or preferred not in dict(settings.LANGUAGES):
        return None
    with translation.override(preferred):
        target = reverse("assessments:verify_certificate", kwargs={"code": code})
    return redirect(target)


def _stages(cohort) -> list[tuple[str, dt.date | None, dt.date | None]]:
    rows = [
        (_("Online pre-training"), cohort.pre_training_starts, cohort.pre_training_ends),
        (_("Onsite training workshop"), cohort.workshop_starts, cohort.workshop_ends),
        (_("Online post-training"), cohort.post_training_starts, cohort.post_training_ends),
    ]
    return [row for row in rows if row[1] or row[2]]


def _status_date(certificate: Certificate) -> dt.date | None:
    if certificate.status_changed_at is not None:
        return timezone.localdate(certificate.status_changed_at)
    replacement = getattr(certificate, "replaced_by", None)
    return replacement.issued_on if replacement is not None else None


def _page_context(certificate: Certificate) -> dict:
    cohort = certificate.cohort
    latin = certificate.holder_name_latin
    return {
        "certificate": certificate,
        "holder_name": certificate.holder_name,
        "holder_erased": holder_erased(certificate),
        "holder_name_latin": latin if latin and latin != certificate.holder_name else "",
        "programme": cohort.programme.translated("title"),
        "cohort_title": cohort.translated("title"),
        "stages": _stages(cohort),
        "status_date": _status_date(certificate),
        "statuses": CertificateStatus,
        "state": STATE_CLASSES[certificate.status],
        "check": badges.check(certificate),
    }


@never_cache
@require_http_methods(READ_ONLY)
def verify_certificate(request, code):
    if target := _language_redirect(request, code):
        patch_vary_headers(target, ("Accept-Language", "Cookie"))
        return target
    if refused := _limited(request):
        return refused
    certificate = find_by_code(code)
    if certificate is None:
        response = render(
            request,
            "assessments/certificates/verify.html",
            {"form": VerifyForm(), "not_found": _not_found_message()},
            status=404,
        )
    else:
        response = render(
            request, "assessments/certificates/verify_certificate.html", _page_context(certificate)
        )
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


# -- Open Badges documents ------------------------------------------------------------------------


def _json(data: dict) -> HttpResponse:
    return HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2) + "\n",
        content_type="application/json; charset=utf-8",
    )


def _credential_or_404(code: str) -> Certificate:
    certificate = find_by_code(code)
    if certificate is None or not certificate.credential:
        raise Http404
    return certificate


@cache_control(private=True, max_age=CREDENTIAL_MAX_AGE)
@require_http_methods(READ_ONLY)
def credential_jwt(request, code):
    certificate = _credential_or_404(code)
    response = HttpResponse(certificate.credential, content_type="application/jwt")
    response["Content-Disposition"] = f'attachment; filename="{certificate.serial}.jwt"'
    return response


@cache_control(private=True, max_age=CREDENTIAL_MAX_AGE)
@require_http_methods(READ_ONLY)
def credential_json(request, code):
    certificate = _credential_or_404(code)
    return _json(badges.decoded(certificate.credential))


@cache_control(public=True, max_age=DOCUMENT_MAX_AGE)
@require_http_methods(READ_ONLY)
def issuer(request):
    return _json(badges.issuer_profile())


@cache_control(public=True, max_age=DOCUMENT_MAX_AGE)
@require_http_methods(READ_ONLY)
def keys(request):
    return _json(badges.jwks())


@cache_control(public=True, max_age=DOCUMENT_MAX_AGE)
@require_http_methods(READ_ONLY)
def revocations(request):
    return _json(badges.revocation_list())
