"""The economies a programme of the APEC kind draws on, as plain data.

The 21 APEC member economies carry APEC's official short names (which are not country names:
"Chinese Taipei", "Hong Kong, China") and APEC's standard abbreviations as codes. Invited guests
that are not APEC members follow, with ISO 3166 alpha-3 codes. ``iso_country`` (ISO 3166
alpha-2) only drives the flag; Chinese Taipei has none by convention.

Members follow APEC's own order (alphabetical by the economy's common name, so China under C,
Korea under K and Chinese Taipei under T), guests after them; sort orders go in
steps of ten so that an economy can be slotted in without renumbering.

Data migration ``0002_seed_economies`` holds a frozen copy of this list. Change the list here for
new databases and demo data, and add a new data migration when existing databases must follow.
"""

from typing import TypedDict


class EconomyData(TypedDict):
    code: str
    name: str
    iso_country: str
    is_apec_member: bool
    sort_order: int
    names: dict[str, str]  # language code -> name in that language


ECONOMIES: list[EconomyData] = [
    # APEC member economies, listed alphabetically by English name (sort_order gives APEC's order).
    {
        "code": "AUS",
        "name": "Australia",
        "iso_country": "AU",
        "is_apec_member": True,
        "sort_order": 10,
        "names": {"ko": "호주"},
    },
    {
        "code": "BD",
        "name": "Brunei Darussalam",
        "iso_country": "BN",
        "is_apec_member": True,
        "sort_order": 20,
        "names": {"ko": "브루나이"},
    },
    {
        "code": "CDA",
        "name": "Canada",
        "iso_country": "CA",
        "is_apec_member": True,
        "sort_order": 30,
        "names": {"ko": "캐나다"},
    },
    {
        "code": "CHL",
        "name": "Chile",
        "iso_country": "CL",
        "is_apec_member": True,
        "sort_order": 40,
        "names": {"ko": "칠레"},
    },
    {
        "code": "CT",
        "name": "Chinese Taipei",
        "iso_country": "",
        "is_apec_member": True,
        "sort_order": 180,
        "names": {"ko": "중화 타이베이"},
    },
    {
        "code": "HKC",
        "name": "Hong Kong, China",
        "iso_country": "HK",
        "is_apec_member": True,
        "sort_order": 60,
        "names": {"ko": "홍콩"},
    },
    {
        "code": "INA",
        "name": "Indonesia",
        "iso_country": "ID",
        "is_apec_member": True,
        "sort_order": 70,
        "names": {"ko": "인도네시아"},
    },
    {
        "code": "JPN",
        "name": "Japan",
        "iso_country": "JP",
        "is_apec_member": True,
        "sort_order": 80,
        "names": {"ko": "일본"},
    },
    {
        "code": "MAS",
        "name": "Malaysia",
        "iso_country": "MY",
        "is_apec_member": True,
        "sort_order": 100,
        "names": {"ko": "말레이시아"},
    },
    {
        "code": "MEX",
        "name": "Mexico",
        "iso_country": "MX",
        "is_apec_member": True,
        "sort_order": 110,
        "names": {"ko": "멕시코"},
    },
    {
        "code": "NZ",
        "name": "New Zealand",
        "iso_country": "NZ",
        "is_apec_member": True,
        "sort_order": 120,
        "names": {"ko": "뉴질랜드"},
    },
    {
        "code": "PNG",
        "name": "Papua New Guinea",
        "iso_country": "PG",
        "is_apec_member": True,
        "sort_order": 130,
        "names": {"ko": "파푸아뉴기니"},
    },
    {
        "code": "PRC",
        "name": "People's Republic of China",
        "iso_country": "CN",
        "is_apec_member": True,
        "sort_order": 50,
        "names": {"ko": "중국"},
    },
    {
        "code": "PE",
        "name": "Peru",
        "iso_country": "PE",
        "is_apec_member": True,
        "sort_order": 140,
        "names": {"ko": "페루"},
    },
    {
        "code": "ROK",
        "name": "Republic of Korea",
        "iso_country": "KR",
        "is_apec_member": True,
        "sort_order": 90,
        "names": {"ko": "대한민국"},
    },
    {
        "code": "RUS",
        "name": "Russia",
        "iso_country": "RU",
        "is_apec_member": True,
        "sort_order": 160,
        "names": {"ko": "러시아"},
    },
    {
        "code": "SGP",
        "name": "Singapore",
        "iso_country": "SG",
        "is_apec_member": True,
        "sort_order": 170,
        "names": {"ko": "싱가포르"},
    },
    {
        "code": "THA",
        "name": "Thailand",
        "iso_country": "TH",
        "is_apec_member": True,
        "sort_order": 190,
        "names": {"ko": "태국"},
    },
    {
        "code": "PHL",
        "name": "The Philippines",
        "iso_country": "PH",
        "is_apec_member": True,
        "sort_order": 150,
        "names": {"ko": "필리핀"},
    },
    {
        "code": "USA",
        "name": "United States",
        "iso_country": "US",
        "is_apec_member": True,
        "sort_order": 200,
        "names": {"ko": "미국"},
    },
    {
        "code": "VN",
        "name": "Viet Nam",
        "iso_country": "VN",
        "is_apec_member": True,
        "sort_order": 210,
        "names": {"ko": "베트남"},
    },
    # Invited guests, not APEC members, alphabetically by English name.
    {
        "code": "COL",
        "name": "Colombia",
        "iso_country": "CO",
        "is_apec_member": False,
        "sort_order": 1010,
        "names": {"ko": "콜롬비아"},
    },
    {
        "code": "KGZ",
        "name": "Kyrgyzstan",
        "iso_country": "KG",
        "is_apec_member": False,
        "sort_order": 1020,
        "names": {"ko": "키르기스스탄"},
    },
    {
        "code": "NGA",
        "name": "Nigeria",
        "iso_country": "NG",
        "is_apec_member": False,
        "sort_order": 1030,
        "names": {"ko": "나이지리아"},
    },
]

ECONOMY_FIELDS = ("name", "iso_country", "is_apec_member", "sort_order")


def economies_sync(data: list[EconomyData] | None = None) -> dict[str, int]:
    """Create or update the economies in ``data`` (default: ``ECONOMIES``) and their names.

    Matches on ``code``; rows are only written when something differs, so running it again
    writes nothing. ``has_participated`` is left alone (it is programme history, not reference
    data), and so are economies and names that are not in the list. Returns counts of the
    ``created``, ``updated`` and ``unchanged`` economies (a change of name counts as an update).
    """
    from .models import Economy, EconomyName

    counts = {"created": 0, "updated": 0, "unchanged": 0}
    existing = {e.code: e for e in Economy.objects.prefetch_related("names")}
    for row in ECONOMIES if data is None else data:
        economy = existing.get(row["code"])
        if economy is None:
            economy = Economy.objects.create(
                code=row["code"], **{field: row[field] for field in ECONOMY_FIELDS}
            )
            status = "created"
            current_names = {}
        else:
            status = "unchanged"
            stale = [field for field in ECONOMY_FIELDS if getattr(economy, field) != row[field]]
            if stale:
                for field in stale:
                    setattr(economy, field, row[field])
                economy.save(update_fields=stale)
                status = "updated"
            current_names = {n.language_code: n for n in economy.names.all()}
        for language_code, name in row["names"].items():
            current = current_names.get(language_code)
            if current is None:
                EconomyName.objects.create(economy=economy, language_code=language_code, name=name)
            elif current.name != name:
                current.name = name
                current.save(update_fields=["name"])
            else:
                continue
            if status == "unchanged":
                status = "updated"
        counts[status] += 1
    return counts
