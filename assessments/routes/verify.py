"""Routes of the public certificate verification (see aslp_site/core/routes.py): anyone may
verify a certificate and fetch the Open Badges documents; a code that names no certificate
answers 404."""

from aslp_site.core.routes import Access, Rule

ROUTES: dict[str, Rule] = {
    "verify/": Rule(
        Access.PUBLIC, note="lookup form (code, or serial and family name); rate-limited"
    ),
    "verify/<str:code>/": Rule(
        Access.PUBLIC, note="one certificate by its verification code; rate-limited; unknown: 404"
    ),
    "verify/<str:code>/credential.jwt": Rule(
        Access.PUBLIC, note="the certificate's signed Open Badges credential; unknown code: 404"
    ),
    "verify/<str:code>/credential.json": Rule(
        Access.PUBLIC, note="the same credential decoded; unknown code: 404"
    ),
    "badges/issuer/": Rule(Access.PUBLIC, note="Open Badges issuer profile (JSON)"),
    "badges/keys/": Rule(Access.PUBLIC, note="public keys of the credentials (JWKS)"),
    "badges/revocations/": Rule(Access.PUBLIC, note="revoked and superseded credentials (JSON)"),
}
