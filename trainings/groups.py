"""Participant groups: spreading a cohort's active participants across its groups.

**The balancing algorithm** (:func:`balance`) is deterministic: the same participants and groups
always give the same assignment, whatever order they come in.

1. Participants are put in a fixed order: economies with the most participants first (ties by
   economy code), then within an economy by school level, family name, given names and id.
2. They are dealt out in *rounds*: in each round every group receives exactly one participant
   (the last round may leave some groups without one). Group sizes therefore never differ by
   more than one.
3. Within a round, each participant goes to the group, among those not yet served in this
   round, that has the fewest members of the same economy, then the fewest of the same school
   level, then comes first in the groups' order.

Dealing the largest economies first, each to the groups holding the fewest of its people, spreads
every economy as evenly as the sizes allow (12 participants from 4 economies in 3 groups: each
group gets one from each economy, plus the fourth); school levels are spread next.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Member:
    """What the algorithm needs of a participant."""

    pk: int
    economy: str
    school_level: str
    family_name: str = ""
    given_names: str = ""


def member_of(participant) -> Member:
    application = participant.application
    economy = application.economy.code if application.economy_id else ""
    return Member(
        pk=participant.pk,
        economy=economy,
        school_level=application.school_level or "",
        family_name=(application.family_name or "").casefold(),
        given_names=(application.given_names or "").casefold(),
    )


def _order(members: Sequence[Member]) -> list[Member]:
    sizes = Counter(member.economy for member in members)
    return sorted(
        members,
        key=lambda m: (
            -sizes[m.economy],
            m.economy,
            m.school_level,
            m.family_name,
            m.given_names,
            m.pk,
        ),
    )


def balance(members: Sequence[Member], group_ids: Sequence[int]) -> dict[int, int]:
    """``{participant pk: group id}`` spreading ``members`` over ``group_ids`` (in that order)."""
    if not group_ids:
        raise ValueError("At least one group is needed.")
    economies: list[Counter] = [Counter() for _ in group_ids]
    levels: list[Counter] = [Counter() for _ in group_ids]
    assignment: dict[int, int] = {}
    waiting: list[int] = []
    for member in _order(members):
        if not waiting:  # a new round: every group gets one more member
            waiting = list(range(len(group_ids)))
        chosen = min(
            waiting,
            key=lambda i: (economies[i][member.economy], levels[i][member.school_level], i),
        )
        waiting.remove(chosen)
        economies[chosen][member.economy] += 1
        levels[chosen][member.school_level] += 1
        assignment[member.pk] = group_ids[chosen]
    return assignment


def next_group_names(existing: Sequence[str], count: int, pattern: str) -> list[str]:
    """``count`` new group names from ``pattern`` (with ``{letter}``), skipping names in use:
    "Group A", "Group B", ... then "Group AA"."""
    taken = {name.casefold() for name in existing}
    names: list[str] = []
    index = 0
    while len(names) < count:
        letter = _letters(index)
        index += 1
        name = pattern.format(letter=letter)
        if name.casefold() not in taken:
            names.append(name)
            taken.add(name.casefold())
    return names


def _letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA..."""
    text = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        text = chr(ord("A") + rest) + text
    return text


def balance_cohort(cohort, count: int, user) -> tuple[list, int]:
    """Spread the cohort's active participants over its first ``count`` groups (creating the
    missing ones as "Group A", "Group B"...): (the groups used, how many participants moved).

    Participants of groups beyond the first ``count`` are moved into them too. Audited as
    ``trainings.groups_balance``.
    """
    from django.db import transaction
    from django.utils.translation import gettext

    from cohorts import audit

    from .models import Participant, ParticipantGroup

    with transaction.atomic():
        groups = list(ParticipantGroup.objects.select_for_update().filter(cohort=cohort))
        missing = count - len(groups)
        if missing > 0:
            start = max((group.sort_order for group in groups), default=0) + 1
            names = next_group_names(
                [group.name for group in groups], missing, gettext("Group {letter}")
            )
            for offset, name in enumerate(names):
                group = ParticipantGroup.objects.create(
                    cohort=cohort, name=name, sort_order=start + offset
                )
                audit.record(group, "trainings.group_change", user, after={"name": name})
                groups.append(group)
        groups = groups[:count]
        participants = list(
            Participant.objects.active()
            .filter(cohort=cohort)
            .select_related("application", "application__economy")
        )
        assignment = balance([member_of(p) for p in participants], [g.pk for g in groups])
        moved = [p for p in participants if p.group_id != assignment[p.pk]]
        before = {p.pk: p.group_id for p in moved}
        for participant in moved:
            participant.group_id = assignment[participant.pk]
        Participant.objects.bulk_update(moved, ["group"])
        names = {group.pk: group.name for group in groups}
        audit.record(
            cohort,
            "trainings.groups_balance",
            user,
            after={
                "groups": [group.name for group in groups],
                "sizes": dict(Counter(names[assignment[p.pk]] for p in participants)),
                "moved": [
                    {
                        "participant": p.pk,
                        "from": before[p.pk],
                        "to": p.group_id,
                    }
                    for p in moved
                ],
            },
        )
    return groups, len(moved)
