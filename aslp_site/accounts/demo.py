"""Demo accounts, one per role that exists today. Safe to run again.

Every account shares one password, printed at the end: DEMO_PASSWORD from the environment, or
the fixed demo-only default below. Never load demo accounts into a production database.
"""

import os

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .models import User

DEFAULT_DEMO_PASSWORD = "aslp-demo-Leadership-2026"  # noqa: S105 - documented demo-only password

DEMO_ACCOUNTS = [
    {
        "email": "admin@aslp.example.org",
        "role": "superuser (Django admin and Wagtail admin, every permission)",
        "first_name": "Ada",
        "last_name": "Admin",
        "preferred_language": "en",
        "time_zone": "UTC",
        "is_staff": True,
        "is_superuser": True,
        "groups": [],
    },
    {
        "email": "editor@aslp.example.org",
        "role": "CMS editor (Wagtail admin, group Editors)",
        "first_name": "Eun-ji",
        "last_name": "Editor",
        "preferred_language": "en",
        "time_zone": "Asia/Seoul",
        "is_staff": False,
        "is_superuser": False,
        "groups": ["Editors"],
    },
    {
        "email": "applicant@aslp.example.org",
        "role": "applicant (English)",
        "first_name": "Maria",
        "last_name": "Santos",
        "preferred_language": "en",
        "time_zone": "Asia/Manila",
        "is_staff": False,
        "is_superuser": False,
        "groups": [],
    },
    {
        "email": "applicant-ko@aslp.example.org",
        "role": "applicant (Korean)",
        "first_name": "Minsu",
        "last_name": "Kim",
        "preferred_language": "ko",
        "time_zone": "Asia/Seoul",
        "is_staff": False,
        "is_superuser": False,
        "groups": [],
    },
]


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


def editors_group() -> Group:
    """Wagtail's "Editors" group (created by Wagtail's migrations) with admin access ensured."""
    group, _created = Group.objects.get_or_create(name="Editors")
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    group.permissions.add(access_admin)
    return group


@transaction.atomic
def load(stdout) -> list[User]:
    password = demo_password()
    users = []
    for spec in DEMO_ACCOUNTS:
        fields = {
            key: spec[key]
            for key in (
                "first_name",
                "last_name",
                "preferred_language",
                "time_zone",
                "is_staff",
                "is_superuser",
            )
        }
        user, _created = User.objects.update_or_create(
            email=spec["email"], defaults={**fields, "is_active": True}
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        groups = [
            editors_group() if name == "Editors" else Group.objects.get_or_create(name=name)[0]
            for name in spec["groups"]
        ]
        user.groups.set(groups)
        EmailAddress.objects.filter(user=user).exclude(email__iexact=spec["email"]).update(
            primary=False
        )
        EmailAddress.objects.update_or_create(
            user=user,
            email=spec["email"],
            defaults={"verified": True, "primary": True},
        )
        users.append(user)

    width = max(len(spec["email"]) for spec in DEMO_ACCOUNTS)
    lines = [
        "Demo accounts (demo only; every account uses the same password):",
        f"  {'e-mail'.ljust(width)}  role",
        *(f"  {spec['email'].ljust(width)}  {spec['role']}" for spec in DEMO_ACCOUNTS),
        f"  password: {password}",
        "  Staff accounts must set up an authenticator app at first sign-in unless "
        "REQUIRE_STAFF_MFA is false (the default in development settings).",
    ]
    for line in lines:
        stdout.write(line + "\n")
    return users
