"""The public verification of certificates and the Open Badges documents (issuer profile, keys,
revocation list, each certificate's credential)."""

from django.urls import path

from ..views import verify

urlpatterns = [
    path("verify/", verify.verify_form, name="verify_certificate_form"),
    path("verify/<str:code>/", verify.verify_certificate, name="verify_certificate"),
    path(
        "verify/<str:code>/credential.jwt",
        verify.credential_jwt,
        name="certificate_credential",
    ),
    path(
        "verify/<str:code>/credential.json",
        verify.credential_json,
        name="certificate_credential_json",
    ),
    path("badges/issuer/", verify.issuer, name="badges_issuer"),
    path("badges/keys/", verify.keys, name="badges_keys"),
    path("badges/revocations/", verify.revocations, name="badges_revocations"),
]
