from dataclasses import dataclass

from django.db.models import QuerySet

from .models import Economy


def economy_list(*, participating_only: bool = False, apec_only: bool = False) -> QuerySet[Economy]:
    """Economies in display order with their translated names prefetched (two queries)."""
    economies = Economy.objects.prefetch_related("names")
    if participating_only:
        economies = economies.filter(has_participated=True)
    if apec_only:
        economies = economies.filter(is_apec_member=True)
    return economies


@dataclass(frozen=True)
class EconomyGroups:
    """Economies split into APEC member economies and invited guests, each in display order."""

    members: list[Economy]
    guests: list[Economy]

    def __len__(self) -> int:
        return len(self.members) + len(self.guests)


def economies_grouped(*, participating_only: bool = False) -> EconomyGroups:
    """APEC members and guests, separately, with translated names prefetched (two queries).

    For the public "participating economies" page pass ``participating_only=True``.
    """
    members: list[Economy] = []
    guests: list[Economy] = []
    for economy in economy_list(participating_only=participating_only):
        (members if economy.is_apec_member else guests).append(economy)
    return EconomyGroups(members=members, guests=guests)


def participating_economy_count(*, apec_only: bool = False) -> int:
    """How many economies have taken part in the programme (one query)."""
    return economy_list(participating_only=True, apec_only=apec_only).count()
