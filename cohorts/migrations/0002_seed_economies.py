"""Seed the 21 APEC member economies and the invited guests, with their Korean names.

The data is a frozen copy of ``cohorts.economy_data.ECONOMIES`` as it stood when this migration
was written, so the migration keeps its meaning when that module changes later. It only creates
or updates (matching on ``code``); ``has_participated`` is never touched. Reversing it is a no-op:
the rows may already be referenced or edited by then.
"""

from django.db import migrations

# (code, official English name, ISO 3166 alpha-2, APEC member, sort order, Korean name)
ECONOMIES = [
    ("AUS", "Australia", "AU", True, 10, "호주"),
    ("BD", "Brunei Darussalam", "BN", True, 20, "브루나이"),
    ("CDA", "Canada", "CA", True, 30, "캐나다"),
    ("CHL", "Chile", "CL", True, 40, "칠레"),
    ("PRC", "People's Republic of China", "CN", True, 50, "중국"),
    ("HKC", "Hong Kong, China", "HK", True, 60, "홍콩"),
    ("INA", "Indonesia", "ID", True, 70, "인도네시아"),
    ("JPN", "Japan", "JP", True, 80, "일본"),
    ("ROK", "Republic of Korea", "KR", True, 90, "대한민국"),
    ("MAS", "Malaysia", "MY", True, 100, "말레이시아"),
    ("MEX", "Mexico", "MX", True, 110, "멕시코"),
    ("NZ", "New Zealand", "NZ", True, 120, "뉴질랜드"),
    ("PNG", "Papua New Guinea", "PG", True, 130, "파푸아뉴기니"),
    ("PE", "Peru", "PE", True, 140, "페루"),
    ("PHL", "The Philippines", "PH", True, 150, "필리핀"),
    ("RUS", "Russia", "RU", True, 160, "러시아"),
    ("SGP", "Singapore", "SG", True, 170, "싱가포르"),
    ("CT", "Chinese Taipei", "", True, 180, "중화 타이베이"),
    ("THA", "Thailand", "TH", True, 190, "태국"),
    ("USA", "United States", "US", True, 200, "미국"),
    ("VN", "Viet Nam", "VN", True, 210, "베트남"),
    ("COL", "Colombia", "CO", False, 1010, "콜롬비아"),
    ("KGZ", "Kyrgyzstan", "KG", False, 1020, "키르기스스탄"),
    ("NGA", "Nigeria", "NG", False, 1030, "나이지리아"),
]


def seed_economies(apps, schema_editor):
    Economy = apps.get_model("cohorts", "Economy")
    EconomyName = apps.get_model("cohorts", "EconomyName")
    db = schema_editor.connection.alias
    for code, name, iso_country, is_apec_member, sort_order, name_ko in ECONOMIES:
        economy, _created = Economy.objects.using(db).update_or_create(
            code=code,
            defaults={
                "name": name,
                "iso_country": iso_country,
                "is_apec_member": is_apec_member,
                "sort_order": sort_order,
            },
        )
        EconomyName.objects.using(db).update_or_create(
            economy=economy, language_code="ko", defaults={"name": name_ko}
        )


class Migration(migrations.Migration):

    dependencies = [
        ("cohorts", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed_economies, migrations.RunPython.noop),
    ]
