"""Demo data for cohorts: the reference economies and which of them have taken part so far."""

from .economy_data import economies_sync
from .models import Economy

# The 13 economies that have taken part in the APEC School Leadership Program: 10 APEC members
# and 3 invited guests.
PARTICIPATING_CODES = (
    "AUS",
    "INA",
    "ROK",
    "PHL",
    "THA",
    "RUS",
    "SGP",
    "CT",
    "MAS",
    "USA",
    "KGZ",
    "COL",
    "NGA",
)


def load(stdout) -> None:
    """Make sure the economies exist and the participating ones are marked. Safe to run again."""
    counts = economies_sync()
    # Saved one by one (not with .update()) so that post_save empties the public page cache.
    newly_marked = 0
    for economy in Economy.objects.filter(code__in=PARTICIPATING_CODES, has_participated=False):
        economy.has_participated = True
        economy.save(update_fields=["has_participated"])
        newly_marked += 1
    stdout.write(
        f"Economies: {counts['created']} created, {counts['updated']} updated, "
        f"{counts['unchanged']} unchanged; {newly_marked} newly marked as participating "
        f"({len(PARTICIPATING_CODES)} in all)."
    )
