"""Make a new Open Badges signing key, for the first set-up and for rotations
(docs/open-badges.md).

Prints the new Ed25519 private key (PEM) and its key id, to put into ``OPENBADGES_SIGNING_KEY``
and ``OPENBADGES_KEY_ID``. ``--retire-current`` prints instead the entry of the key in use now
for ``OPENBADGES_RETIRED_PUBLIC_KEYS`` (its id and public key), so that the credentials it signed
keep verifying after the rotation. Nothing is stored: the key exists only in the output.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from assessments import badges


class Command(BaseCommand):
    help = "Print a new Open Badges signing key (PEM) and its key id, or the current key's entry "
    help += "for OPENBADGES_RETIRED_PUBLIC_KEYS (--retire-current)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--kid",
            help="Key id of the new key (letters, digits, . _ -); default: the date and the "
            "start of the key's thumbprint.",
        )
        parser.add_argument(
            "--retire-current",
            action="store_true",
            help="Print the entry of the current key for OPENBADGES_RETIRED_PUBLIC_KEYS.",
        )

    def handle(self, *args, **options):
        if options["retire_current"]:
            current = badges.keys().current
            pem = badges.public_pem(current.public).strip().replace("\n", "\\n")
            self.stdout.write(f"{current.key_id}={pem}")
            return
        key = Ed25519PrivateKey.generate()
        kid = options["kid"] or (
            f"{timezone.now():%Y-%m-%d}-{badges.thumbprint(key.public_key())[:8]}"
        )
        if not badges.KEY_ID_PATTERN.match(kid):
            raise CommandError("Use 1 to 64 letters, digits, dots, hyphens or underscores.")
        self.stdout.write(f"OPENBADGES_KEY_ID={kid}")
        self.stdout.write(badges.private_pem(key), ending="")
