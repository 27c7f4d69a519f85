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
