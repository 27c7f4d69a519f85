import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import get_resolver, reverse

from aslp_site.accounts.models import User
from cohorts import demo
from cohorts.economy_data import ECONOMIES, economies_sync
from cohorts.models import Economy, EconomyName
from cohorts.selectors import economies_grouped, economy_list, participating_economy_count

pytestmark = pytest.mark.django_db

APEC_MEMBER_CODES = {
    "AUS",
    "BD",
    "CDA",
    "CHL",
    "PRC",
    "HKC",
    "INA",
    "JPN",
    "ROK",
    "MAS",
    "MEX",
    "NZ",
    "PNG",
    "PE",
    "PHL",
    "RUS",
    "SGP",
    "CT",
    "THA",
    "USA",
    "VN",
}
GUEST_CODES = {"KGZ", "COL", "NGA"}
PARTICIPATING = {"AUS", "INA", "ROK", "PHL", "THA", "RUS", "SGP", "CT", "MAS", "USA"} | GUEST_CODES


def load_demo() -> str:
    out = io.StringIO()
    demo.load(out)
    return out.getvalue()


def snapshot():
    """Everything about the economies that a loader could change, to compare before/after."""
    return (
        list(
            Economy.objects.order_by("code").values_list(
                "pk",
                "code",
                "name",
                "iso_country",
                "is_apec_member",
                "has_participated",
                "sort_order",
            )
        ),
        list(
            EconomyName.objects.order_by("pk").values_list(
                "pk", "economy_id", "language_code", "name"
            )
        ),
    )


# --- Seeded data -----------------------------------------------------------------------------


def test_migrations_seed_21_apec_members_and_3_guests():
    members = set(Economy.objects.filter(is_apec_member=True).values_list("code", flat=True))
    guests = set(Economy.objects.filter(is_apec_member=False).values_list("code", flat=True))
    assert members == APEC_MEMBER_CODES
    assert len(members) == 21
    assert guests == GUEST_CODES
    assert not Economy.objects.filter(has_participated=True).exists()


def test_official_apec_short_names():
    assert Economy.objects.get(code="CT").name == "Chinese Taipei"
    assert Economy.objects.get(code="HKC").name == "Hong Kong, China"
    assert Economy.objects.get(code="PRC").name == "People's Republic of China"
    assert Economy.objects.get(code="VN").name == "Viet Nam"


def test_every_economy_has_a_korean_name():
    korean = dict(
        EconomyName.objects.filter(language_code="ko").values_list("economy__code", "name")
    )
    assert set(korean) == APEC_MEMBER_CODES | GUEST_CODES
    assert korean["ROK"] == "대한민국"
    assert korean["CT"] == "중화 타이베이"
    assert korean["HKC"] == "홍콩"
    assert korean["PRC"] == "중국"
    assert korean["VN"] == "베트남"


def test_display_order_follows_apec_then_guests():
    economies = list(Economy.objects.all())
    assert [e.code for e in economies] == [
        *("AUS", "BD", "CDA", "CHL", "PRC", "HKC", "INA", "JPN", "ROK", "MAS", "MEX"),
        *("NZ", "PNG", "PE", "PHL", "RUS", "SGP", "CT", "THA", "USA", "VN"),
        *("COL", "KGZ", "NGA"),
    ]


def test_migration_matches_the_data_module():
    # The migration holds a frozen copy; while nobody has changed the list, they must agree.
    # (When ECONOMIES changes on purpose, a new data migration should follow.)
    counts = economies_sync()
    assert counts == {"created": 0, "updated": 0, "unchanged": len(ECONOMIES)}


def test_localized_name_and_fallback():
    rok = Economy.objects.get(code="ROK")
    assert rok.localized_name("ko") == "대한민국"
    assert rok.localized_name("ko-kr") == "대한민국"
    assert rok.localized_name("en") == "Republic of Korea"
    assert rok.localized_name("xx") == "Republic of Korea"
    assert Economy.objects.get(code="CT").localized_name("ko") == "중화 타이베이"


def test_flags():
    assert Economy.objects.get(code="ROK").flag == "🇰🇷"
    assert Economy.objects.get(code="CT").flag == ""
    assert Economy.objects.get(code="HKC").flag == "🇭🇰"


def test_sync_repairs_changed_rows_and_leaves_participation_alone():
    rok = Economy.objects.get(code="ROK")
    Economy.objects.filter(pk=rok.pk).update(name="Korea", has_participated=True)
    EconomyName.objects.filter(economy=rok, language_code="ko").update(name="한국")
    EconomyName.objects.filter(economy__code="CT").delete()
    Economy.objects.filter(code="NGA").delete()

    counts = economies_sync()

    assert counts == {"created": 1, "updated": 2, "unchanged": len(ECONOMIES) - 3}
    rok.refresh_from_db()
    assert rok.name == "Republic of Korea"
    assert rok.has_participated is True
    assert rok.localized_name("ko") == "대한민국"
    assert Economy.objects.get(code="CT").localized_name("ko") == "중화 타이베이"
    assert Economy.objects.get(code="NGA").localized_name("ko") == "나이지리아"


# --- Demo ------------------------------------------------------------------------------------


def test_demo_marks_the_13_participating_economies():
    output = load_demo()
    marked = set(Economy.objects.filter(has_participated=True).values_list("code", flat=True))
    assert marked == PARTICIPATING
    assert len(marked) == 13
    assert "13 newly marked" in output


def test_demo_twice_changes_nothing():
    load_demo()
    before = snapshot()
    output = load_demo()
    assert snapshot() == before
    assert "0 created, 0 updated" in output
    assert "0 newly marked" in output


def test_demo_recreates_missing_economies():
    Economy.objects.filter(code__in=["CT", "KGZ"]).delete()
    load_demo()
    assert Economy.objects.get(code="CT").has_participated is True
    assert Economy.objects.get(code="KGZ").localized_name("ko") == "키르기스스탄"


def test_load_demo_command_includes_economies(monkeypatch):
    from django.core.management import call_command

    from aslp_site.core.management.commands import load_demo as command

    monkeypatch.setattr(command, "DEMO_MODULES", ["cohorts.demo"])
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "Economies:" in out.getvalue()
    assert Economy.objects.filter(has_participated=True).count() == 13


# --- Selectors -------------------------------------------------------------------------------


def test_economies_grouped_all(django_assert_num_queries):
    with django_assert_num_queries(2):
        groups = economies_grouped()
        names = [e.localized_name("ko") for e in groups.members + groups.guests]
    assert {e.code for e in groups.members} == APEC_MEMBER_CODES
    assert [e.code for e in groups.guests] == ["COL", "KGZ", "NGA"]
    assert len(groups) == 24
    assert "대한민국" in names


def test_economies_grouped_participating_only(django_assert_num_queries):
    load_demo()
    with django_assert_num_queries(2):
        groups = economies_grouped(participating_only=True)
        labels = [(e.localized_name("ko"), e.flag) for e in groups.members + groups.guests]
    assert {e.code for e in groups.members} == PARTICIPATING - GUEST_CODES
    assert {e.code for e in groups.guests} == GUEST_CODES
    assert ("중화 타이베이", "") in labels
    assert [e.sort_order for e in groups.members] == sorted(e.sort_order for e in groups.members)


def test_participating_economy_count(django_assert_num_queries):
    assert participating_economy_count() == 0
    load_demo()
    with django_assert_num_queries(1):
        assert participating_economy_count() == 13
    with django_assert_num_queries(1):
        assert participating_economy_count(apec_only=True) == 10


def test_economy_list_filters():
    load_demo()
    assert economy_list(participating_only=True, apec_only=True).count() == 10
    assert economy_list(apec_only=True).count() == 21


# --- Wagtail admin ---------------------------------------------------------------------------


@pytest.fixture
def admin_settings(settings):
    settings.REQUIRE_STAFF_MFA = False
    return settings


@pytest.fixture
def superuser(admin_settings):
    return User.objects.create_superuser(email="root@example.org", password="Sturdy-Passphrase-42")


def economy_url(name, *args):
    get_resolver().url_patterns  # noqa: B018 - loading the URLconf registers the viewsets
    return reverse(Economy.snippet_viewset.get_url_name(name), args=args)


def test_admin_url_is_under_snippets():
    assert economy_url("list") == "/admin/snippets/cohorts/economy/"


def test_superuser_sees_the_economy_listing(client, superuser):
    client.force_login(superuser)
    response = client.get(economy_url("list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chinese Taipei" in html
    assert "중화 타이베이" in html
    assert "Korean name" in html


def test_listing_filters_and_search(client, superuser):
    client.force_login(superuser)
    guests = client.get(economy_url("list"), {"is_apec_member": "false"}).content.decode()
    assert "Kyrgyzstan" in guests
    assert "Chinese Taipei" not in guests
    found = client.get(economy_url("list"), {"q": "타이베이"}).content.decode()
    assert "Chinese Taipei" in found
    assert "Kyrgyzstan" not in found


def test_listing_query_count_does_not_grow_with_rows(
    client, superuser, django_assert_max_num_queries
):
    client.force_login(superuser)
    client.get(economy_url("list"))  # warm up per-request caches (content types, site)
    with django_assert_max_num_queries(30):
        assert client.get(economy_url("list")).status_code == 200


def test_programme_menu_holds_economies(client, superuser):
    client.force_login(superuser)
    html = client.get("/admin/").content.decode()
    assert "Programme" in html
    assert "Economies" in html


def test_signed_in_user_without_admin_access_is_kept_out(client, admin_settings):
    user = User.objects.create_user(email="person@example.org", password="Sturdy-Passphrase-42")
    client.force_login(user)
    response = client.get(economy_url("list"))
    assert response.status_code == 302
    assert not response["Location"].startswith(economy_url("list"))


def test_admin_user_without_economy_permissions_is_kept_out(client, admin_settings):
    user = User.objects.create_user(email="editor@example.org", password="Sturdy-Passphrase-42")
    group = Group.objects.create(name="Admin access only")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    user.groups.add(group)
    client.force_login(user)
    assert client.get("/admin/").status_code == 200
    assert client.get(economy_url("list")).status_code != 200
    rok = Economy.objects.get(code="ROK")
    assert client.get(economy_url("edit", rok.pk)).status_code != 200


def test_user_with_change_permission_can_open_the_editor(client, admin_settings):
    user = User.objects.create_user(email="organizer@example.org", password="Sturdy-Passphrase-42")
    group = Group.objects.create(name="Organizers (test)")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        Permission.objects.get(content_type__app_label="cohorts", codename="change_economy"),
    )
    user.groups.add(group)
    client.force_login(user)
    assert client.get(economy_url("list")).status_code == 200
    rok = Economy.objects.get(code="ROK")
    assert client.get(economy_url("edit", rok.pk)).status_code == 200


def edit_form_data(economy, names, **changes):
    """POST data for the economy edit form with the given (id, language_code, name) rows."""
    data = {
        "code": economy.code,
        "name": economy.name,
        "iso_country": economy.iso_country,
        "sort_order": economy.sort_order,
        "names-TOTAL_FORMS": len(names),
        "names-INITIAL_FORMS": sum(1 for pk, *_rest in names if pk),
        "names-MIN_NUM_FORMS": 0,
        "names-MAX_NUM_FORMS": 1000,
    }
    if economy.is_apec_member:
        data["is_apec_member"] = "on"
    if economy.has_participated:
        data["has_participated"] = "on"
    for i, (pk, language_code, name) in enumerate(names):
        data[f"names-{i}-id"] = pk or ""
        data[f"names-{i}-language_code"] = language_code
        data[f"names-{i}-name"] = name
        data[f"names-{i}-DELETE"] = ""
    data.update(changes)
    return data


def test_edit_form_offers_site_languages_other_than_english(client, superuser):
    client.force_login(superuser)
    rok = Economy.objects.get(code="ROK")
    html = client.get(economy_url("edit", rok.pk)).content.decode()
    assert '<option value="ko" selected>' in html
    assert '<option value="en"' not in html
    assert "Names in other languages" in html


def test_superuser_edits_a_korean_name(client, superuser):
    client.force_login(superuser)
    ct = Economy.objects.get(code="CT")
    ko = ct.names.get(language_code="ko")
    response = client.post(
        economy_url("edit", ct.pk), edit_form_data(ct, [(ko.pk, "ko", "중화타이베이")])
    )
    assert response.status_code == 302
    assert Economy.objects.get(code="CT").localized_name("ko") == "중화타이베이"


def test_edit_form_rejects_english_and_duplicate_languages(client, superuser):
    client.force_login(superuser)
    ct = Economy.objects.get(code="CT")
    ko = ct.names.get(language_code="ko")
    english = client.post(
        economy_url("edit", ct.pk),
        edit_form_data(ct, [(ko.pk, "ko", "중화 타이베이"), (None, "en", "Taipei")]),
    )
    assert english.status_code == 200
    assert "Choose one of the site" in english.content.decode()
    duplicate = client.post(
        economy_url("edit", ct.pk),
        edit_form_data(ct, [(ko.pk, "ko", "중화 타이베이"), (None, "ko", "타이베이")]),
    )
    assert duplicate.status_code == 200
    assert list(ct.names.values_list("language_code", "name")) == [("ko", "중화 타이베이")]


def test_stored_name_in_another_language_survives_an_edit(client, superuser):
    client.force_login(superuser)
    ct = Economy.objects.get(code="CT")
    ko = ct.names.get(language_code="ko")
    ja = EconomyName.objects.create(economy=ct, language_code="ja", name="チャイニーズ・タイペイ")
    html = client.get(economy_url("edit", ct.pk)).content.decode()
    assert '<option value="ja" selected>' in html
    response = client.post(
        economy_url("edit", ct.pk),
        edit_form_data(
            ct,
            [(ko.pk, "ko", "중화 타이베이"), (ja.pk, "ja", "チャイニーズ・タイペイ")],
            sort_order=55,
        ),
    )
    assert response.status_code == 302
    assert set(ct.names.values_list("language_code", flat=True)) == {"ko", "ja"}
    assert Economy.objects.get(code="CT").sort_order == 55
