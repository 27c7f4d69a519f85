"""Erase one person's personal data (R14), for superusers at a shell.

The person is found by any of their e-mail addresses. Prints the pseudonym the account now
carries; the reason is kept in the erasure record (never write the person's name in it).
"""

from django.core.management.base import BaseCommand, CommandError

from cohorts import personal_data


def find_person(email: str):
    from allauth.account.models import EmailAddress

    from aslp_site.accounts.models import User

    email = (email or "").strip()
    person = User.objects.filter(email__iexact=email).first()
    if person is None:
        address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
        person = address.user if address is not None else None
    return person


class Command(BaseCommand):
    help = (
        "Erase a person's personal data everywhere (names, addresses, texts, files, audit "
        "entries, queued e-mails), keeping the figures and their certificates' verification."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="One of the person's e-mail addresses.")
        parser.add_argument("--reason", required=True, help="Why (without the person's name).")
        parser.add_argument(
            "--by", default="", help="E-mail address of the superuser who decided the erasure."
        )

    def handle(self, *args, email, reason, by, **options):
        if not reason.strip():
            raise CommandError("Give the reason for the erasure.")
        person = find_person(email)
        if person is None:
            raise CommandError("No account has this e-mail address.")
        actor = None
        if by:
            actor = find_person(by)
            if actor is None or not actor.is_superuser:
                raise CommandError("--by must be the e-mail address of a superuser.")
        record = personal_data.erase_person(person, actor, reason.strip())
        self.stdout.write(
            f"Erased: the account is now {record.person.email} (erasure {record.number})."
        )
