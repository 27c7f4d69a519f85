"""Participant groups: the balancing algorithm and the organizers' groups page (make, rename,
delete, assign by hand, balance), audited, with constant queries and 404 for other cohorts."""

from __future__ import annotations

from collections import Counter

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import ModelLogEntry

from tests.trainings import factories as f
from trainings.groups import Member, balance, next_group_names
from trainings.models import ActivityKind, Participant, ParticipantGroup

ECONOMIES = ("ROK", "THA", "USA", "JPN")
LEVELS = ("primary", "lower_secondary", "upper_secondary")


def _members(economies=ECONOMIES, per_economy=3):
    return [
        Member(pk=index * 10 + n, economy=code, school_level=LEVELS[n % len(LEVELS)])
        for index, code in enumerate(economies)
        for n in range(per_economy)
    ]


# -- The algorithm --------------------------------------------------------------------------------


def test_twelve_people_of_four_economies_in_three_groups():
    members = _members()
    result = balance(members, [1, 2, 3])

    assert sorted(Counter(result.values()).values()) == [4, 4, 4]
    economy = {m.pk: m.economy for m in members}
    for group in (1, 2, 3):
        in_group = [economy[pk] for pk, g in result.items() if g == group]
        assert sorted(in_group) == sorted(ECONOMIES)  # one from each economy


def test_balancing_is_deterministic_whatever_the_input_order():
    members = _members()
    first = balance(members, [7, 8, 9])
    assert balance(list(reversed(members)), [7, 8, 9]) == first
    assert balance(sorted(members, key=lambda m: m.pk % 7), [7, 8, 9]) == first


def test_sizes_differ_by_one_at_most_and_levels_are_spread():
    members = [
        Member(pk=n, economy=("ROK", "THA")[n % 2], school_level=LEVELS[n % 3]) for n in range(13)
    ]
    result = balance(members, [1, 2, 3, 4])
    sizes = Counter(result.values())
    assert sorted(sizes.values()) == [3, 3, 3, 4]
    level = {m.pk: m.school_level for m in members}
    for group in (1, 2, 3, 4):
        counts = Counter(level[pk] for pk, g in result.items() if g == group)
        assert max(counts.values()) - min(counts.get(name, 0) for name in LEVELS) <= 1


def test_one_economy_in_four_groups_is_spread_evenly():
    members = _members(("ROK", "THA"), per_economy=8)
    result = balance(members, [1, 2, 3, 4])
    economy = {m.pk: m.economy for m in members}
    for group in (1, 2, 3, 4):
        assert Counter(economy[pk] for pk, g in result.items() if g == group) == {
            "ROK": 2,
            "THA": 2,
        }


def test_group_names_skip_those_in_use():
    assert next_group_names(["Group B", "group c"], 3, "Group {letter}") == [
        "Group A",
        "Group D",
        "Group E",
    ]


# -- The page ---------------------------------------------------------------------------------


def _text(response) -> str:
    return " ".join(BeautifulSoup(response.content.decode(), "html.parser").get_text().split())


@pytest.fixture
def cohort():
    return f.cohort("aslp-2026", title="ASLP 2026")


@pytest.fixture
def organizer(cohort):
    return f.organizer(cohort)


def url(cohort) -> str:
    return reverse("trainings:manage_groups", kwargs={"slug": cohort.slug})


def _twelve(cohort):
    return [
        f.participant(cohort, economy_code=code, school_level=LEVELS[n])
        for code in ECONOMIES
        for n in range(3)
    ]


@pytest.mark.django_db
def test_balance_makes_the_groups_and_spreads_everyone(client, cohort, organizer):
    people = _twelve(cohort)
    client.force_login(organizer)

    response = client.post(url(cohort), {"action": "balance", "balance-count": "3"})

    assert response.status_code == 302
    groups = list(ParticipantGroup.objects.filter(cohort=cohort))
    assert [g.name for g in groups] == ["Group A", "Group B", "Group C"]
    by_group = Counter(
        Participant.objects.filter(pk__in=[p.pk for p in people]).values_list("group", flat=True)
    )
    assert sorted(by_group.values()) == [4, 4, 4]
    for group in groups:
        economies = sorted(group.members.values_list("application__economy__code", flat=True))
        assert economies == sorted(ECONOMIES)
    entry = ModelLogEntry.objects.get(action="trainings.groups_balance")
    assert entry.object_id == str(cohort.pk)
    assert entry.data["after"]["sizes"] == {"Group A": 4, "Group B": 4, "Group C": 4}
    assert ModelLogEntry.objects.filter(action="trainings.group_change").count() == 3
    page = _text(client.get(url(cohort)))
    assert "Participants spread across 3 groups (12 moved)." in page

    # Running it again changes nothing.
    client.post(url(cohort), {"action": "balance", "balance-count": "3"})
    assert ParticipantGroup.objects.filter(cohort=cohort).count() == 3
    assert "(0 moved)" in _text(client.get(url(cohort)))


@pytest.mark.django_db
def test_balance_rejects_a_bad_number_and_keeps_it(client, cohort, organizer):
    client.force_login(organizer)
    response = client.post(url(cohort), {"action": "balance", "balance-count": "0"})
    assert response.status_code == 400
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    assert soup.find("input", {"name": "balance-count"})["value"] == "0"
    assert "Ensure this value is greater than or equal to 1." in _text(response)
    assert not ParticipantGroup.objects.filter(cohort=cohort).exists()


@pytest.mark.django_db
def test_create_rename_and_delete_a_group(client, cohort, organizer):
    client.force_login(organizer)
    client.post(url(cohort), {"action": "create", "create-name": "  Busan   team "})
    group = ParticipantGroup.objects.get(cohort=cohort)
    assert group.name == "Busan team"

    duplicate = client.post(url(cohort), {"action": "create", "create-name": "busan TEAM"})
    assert duplicate.status_code == 400
    assert "This cohort already has a group of this name." in _text(duplicate)

    client.post(
        url(cohort), {"action": "rename", "group": group.pk, f"rename-{group.pk}-name": "Seoul"}
    )
    group.refresh_from_db()
    assert group.name == "Seoul"
    rename = ModelLogEntry.objects.filter(action="trainings.group_change").order_by("pk").last()
    assert (rename.data["before"], rename.data["after"]) == (
        {"name": "Busan team"},
        {"name": "Seoul"},
    )

    member = f.participant(cohort, group=group)
    f.activity(cohort, ActivityKind.GROUP_ACTIVITY, group=group)
    refused = client.post(url(cohort), {"action": "delete", "group": group.pk}, follow=True)
    assert "has sessions or activities of its own, so it cannot be deleted" in _text(refused)
    assert ParticipantGroup.objects.filter(pk=group.pk).exists()

    group.activities.all().delete()
    done = client.post(url(cohort), {"action": "delete", "group": group.pk}, follow=True)
    assert "Group “Seoul” deleted; its 1 member now has no group." in _text(done)
    member.refresh_from_db()
    assert member.group is None


@pytest.mark.django_db
def test_assign_by_hand_in_one_post(client, cohort, organizer):
    a = f.group(cohort, "Group A")
    b = f.group(cohort, "Group B", sort_order=1)
    first = f.participant(cohort, group=a)
    second = f.participant(cohort)
    client.force_login(organizer)

    response = client.post(
        url(cohort),
        {"action": "assign", f"group_{first.pk}": str(b.pk), f"group_{second.pk}": str(a.pk)},
        follow=True,
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.group, second.group) == (b, a)
    assert "2 participants moved." in _text(response)
    entries = {
        int(entry.object_id): (entry.data["before"]["group"], entry.data["after"]["group"])
        for entry in ModelLogEntry.objects.filter(action="trainings.group_assign")
    }
    assert entries == {first.pk: ("Group A", "Group B"), second.pk: (None, "Group A")}

    # A participant confirmed after the page was loaded is not in the post: they keep their group.
    third = f.participant(cohort, group=a)
    client.post(url(cohort), {"action": "assign", f"group_{first.pk}": str(b.pk)})
    third.refresh_from_db()
    assert third.group == a

    other_cohort_group = f.group(f.cohort("other"), "Group Z")
    refused = client.post(
        url(cohort), {"action": "assign", f"group_{first.pk}": str(other_cohort_group.pk)}
    )
    assert refused.status_code == 400
    first.refresh_from_db()
    assert first.group == b


@pytest.mark.django_db
def test_the_page_lists_groups_with_members_in_constant_queries(client, cohort, organizer):
    a = f.group(cohort, "Group A")
    f.participant(cohort, group=a, given_names="Min-ji", family_name="Kim", economy_code="ROK")
    client.force_login(organizer)
    client.get(url(cohort))
    with CaptureQueriesContext(connection) as one:
        response = client.get(url(cohort))
    text = _text(response)
    assert "Group A (1 member)" in text
    assert "Min-ji KIM" in text and "Republic of Korea" in text and "Primary / elementary" in text

    b = f.group(cohort, "Group B", sort_order=1)
    for code in ECONOMIES:
        f.participant(cohort, group=b, economy_code=code)
        f.participant(cohort, economy_code=code)
    with CaptureQueriesContext(connection) as many:
        client.get(url(cohort))
    assert len(many) == len(one)


@pytest.mark.django_db
def test_other_cohorts_and_other_people_get_nothing(client, cohort):
    other = f.cohort("other")
    group = f.group(cohort, "Group A")
    client.force_login(f.organizer(other))
    assert client.get(url(cohort)).status_code == 404
    assert client.post(url(cohort), {"action": "delete", "group": group.pk}).status_code == 404
    assert ParticipantGroup.objects.filter(pk=group.pk).exists()

    client.force_login(f.participant(cohort).user)
    assert client.get(url(cohort)).status_code == 403
    client.logout()
    assert client.get(url(cohort)).status_code == 302
