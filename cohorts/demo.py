"""Demo data for cohorts: the economies, the programme, two finished cohorts and an open one,
people.

``load(stdout)`` (called by ``manage.py load_demo``) makes sure that:

* the reference economies exist and those that have taken part are marked;
* the APEC School Leadership Program exists with its letterhead and Korean translation;
* ASLP 2024 and ASLP 2025 are finished (24 and 30 confirmed participants from the same eight
  economies, every review done); 2024 is made as 2025 is, 52 weeks earlier, with other people,
  except four who applied in 2024 without being selected and applied again in 2025 or 2026
  (the same accounts), and one 2024 participant who coordinates Korea's applicants in 2026;
* ASLP 2026 is open (the call closes three weeks after the day the demo is loaded) with
  quotas, extra questions of every kind, a rubric, e-mail templates and 60 applications from
  twelve economies in every status, with files, reviews, endorsements and nominations;
* the programme staff exist: an organizer, six reviewers, a coordinator per economy and
  certificate staff, all with the shared demo password.

Running it again creates nothing new: people, cohorts and reference data are brought back to
their demo values, applications that already exist are left as they are (a visitor's decisions
stay), and the seat counters are recomputed from the statuses. Everything random comes from
generators with fixed seeds, so every database gets the same people, texts and scores.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import random
import re
import unicodedata
import zoneinfo
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import check_password, make_password
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from aslp_site.accounts.demo import demo_password
from aslp_site.accounts.models import User

from .economy_data import economies_sync
from .models import (
    SEAT_HOLDING,
    AlumniProfile,
    Application,
    ApplicationFile,
    ApplicationQuestion,
    ApplicationStatus,
    Cohort,
    CohortStatus,
    CohortTranslation,
    ConflictOfInterest,
    Economy,
    EconomyQuota,
    EndorsementStatus,
    FileKind,
    Logistics,
    MessageKind,
    MessageTemplate,
    Nomination,
    Programme,
    ProgrammeTranslation,
    QuestionKind,
    QuestionTranslation,
    ReviewAssignment,
    Role,
    RoleGrant,
    RubricCriterion,
    Score,
)

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

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
PROGRAMME_SLUG = "aslp"
EARLIER_SLUG = "aslp-2024"
PAST_SLUG = "aslp-2025"
CURRENT_SLUG = "aslp-2026"
# The finished demo cohorts, the earliest first.
FINISHED_SLUGS = (EARLIER_SLUG, PAST_SLUG)
STAFF_DOMAIN = "aslp.example.org"
APPLICANT_KO_EMAIL = f"applicant-ko@{STAFF_DOMAIN}"
TWO_PLACES = Decimal("0.01")

S = ApplicationStatus

# -- Economies ----------------------------------------------------------------------------------


def load_economies(stdout) -> None:
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
        f"({len(PARTICIPATING_CODES)} in all).\n"
    )


def load(stdout) -> None:
    """Economies first, then the programme, its cohorts and people. Safe to run again."""
    load_economies(stdout)
    load_programme(stdout)


# -- People -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    given: str
    family: str
    native: str
    gender: str
    economy: str
    language: str
    zone: str

    @property
    def email(self) -> str:
        local = f"{ascii_slug(self.given)}.{ascii_slug(self.family)}"
        return f"{local}@{self.economy.lower()}.example.org"


def ascii_slug(text: str) -> str:
    """ "Dela Cruz" -> "delacruz", "O'Brien" -> "obrien", "Đặng" -> "dang"."""
    text = text.replace("Đ", "D").replace("đ", "d")
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def _pairs(text: str) -> list[tuple[str, str]]:
    """ "Kim|김, Lee|이" -> [("Kim", "김"), ("Lee", "이")]."""
    return [tuple(item.strip().split("|")) for item in text.split(",")]


# Given names (female, male) and family names with their native spelling, for the economies
# whose names are written in another script.
NAME_PARTS = {
    "ROK": {
        "order": "family_given",
        "female": _pairs(
            "Ji-young|지영, Soo-jin|수진, Hye-won|혜원, Eun-kyung|은경, Mi-ra|미라, "
            "Yeon-hee|연희, Seon-mi|선미, Da-hye|다혜"
        ),
        "male": _pairs(
            "Jae-hyun|재현, Dong-hoon|동훈, Sung-min|성민, Young-ho|영호, Hyun-woo|현우, "
            "Tae-sik|태식, Jun-ho|준호, Sang-chul|상철"
        ),
        "family": _pairs(
            "Kim|김, Lee|이, Park|박, Choi|최, Jung|정, Kang|강, Cho|조, Yoon|윤, Jang|장, "
            "Lim|임, Han|한, Oh|오, Seo|서, Shin|신"
        ),
    },
    "THA": {
        "order": "given_family",
        "female": _pairs(
            "Siriporn|ศิริพร, Kanokwan|กนกวรรณ, Pornthip|พรทิพย์, Nattaya|ณัฐยา, "
            "Wilaiwan|วิไลวรรณ, Supaporn|สุภาพร"
        ),
        "male": _pairs(
            "Somchai|สมชาย, Prasert|ประเสริฐ, Anan|อนันต์, Chaiwat|ชัยวัฒน์, Thanawat|ธนวัฒน์, Wichai|วิชัย"
        ),
        "family": _pairs(
            "Wongsakul|วงศ์สกุล, Srisuk|ศรีสุข, Chaiyasit|ชัยสิทธิ์, Boonmee|บุญมี, "
            "Rattanakorn|รัตนากร, Suksawat|สุขสวัสดิ์, Thongdee|ทองดี, Kaewmanee|แก้วมณี"
        ),
    },
    "JPN": {
        "order": "family_space_given",
        "female": _pairs("Yuko|裕子, Akiko|明子, Keiko|恵子, Naomi|直美, Megumi|恵"),
        "male": _pairs("Hiroshi|博, Takeshi|武, Kenji|健二, Satoshi|聡, Daisuke|大輔"),
        "family": _pairs(
            "Sato|佐藤, Suzuki|鈴木, Takahashi|高橋, Tanaka|田中, Watanabe|渡辺, Ito|伊藤, "
            "Yamamoto|山本, Nakamura|中村"
        ),
    },
    "CT": {
        "order": "family_given",
        "female": _pairs("Mei-ling|美玲, Shu-fen|淑芬, Ya-ting|雅婷, Hsiu-chen|秀珍"),
        "male": _pairs("Chih-hao|志豪, Chien-hung|建宏, Wei-lun|偉倫, Kuan-yu|冠宇"),
        "family": _pairs("Chen|陳, Lin|林, Huang|黃, Chang|張, Wang|王, Wu|吳, Tsai|蔡, Liu|劉"),
    },
    "VN": {
        "order": "family_space_given",
        "female": _pairs("Thi Lan|Thị Lan, Thu Ha|Thu Hà, Ngoc Anh|Ngọc Anh, Thi Huong|Thị Hương"),
        "male": _pairs(
            "Van Minh|Văn Minh, Duc Anh|Đức Anh, Quang Huy|Quang Huy, Van Hung|Văn Hùng"
        ),
        "family": _pairs(
            "Nguyen|Nguyễn, Tran|Trần, Le|Lê, Pham|Phạm, Hoang|Hoàng, Vu|Vũ, Dang|Đặng, Bui|Bùi"
        ),
    },
    "RUS": {
        "order": "given_family",
        "female": _pairs(
            "Elena|Елена, Olga|Ольга, Tatiana|Татьяна, Irina|Ирина, Svetlana|Светлана"
        ),
        "male": _pairs(
            "Sergei|Сергей, Dmitry|Дмитрий, Alexei|Алексей, Andrei|Андрей, Mikhail|Михаил"
        ),
        # Russian family names change with gender: "male|female|native male|native female".
        "family": [
            tuple(item.strip().split("|"))
            for item in (
                "Ivanov|Ivanova|Иванов|Иванова, Smirnov|Smirnova|Смирнов|Смирнова, "
                "Kuznetsov|Kuznetsova|Кузнецов|Кузнецова, Sokolov|Sokolova|Соколов|Соколова, "
                "Volkov|Volkova|Волков|Волкова, Morozov|Morozova|Морозов|Морозова"
            ).split(",")
        ],
    },
}

# Economies written in Latin letters, and the multilingual ones, as whole people:
# (given names, family name, name in native script or "" for the Latin one, gender).
WHOLE_NAMES = {
    "INA": [
        ("Siti", "Rahmawati", "", "female"),
        ("Dewi", "Lestari", "", "female"),
        ("Budi", "Santoso", "", "male"),
        ("Agus", "Setiawan", "", "male"),
        ("Ratna", "Handayani", "", "female"),
        ("Eko", "Prasetyo", "", "male"),
        ("Wahyu", "Hidayat", "", "male"),
        ("Rina", "Wulandari", "", "female"),
        ("Hendra", "Gunawan", "", "male"),
        ("Fitri", "Nurhayati", "", "female"),
    ],
    "PHL": [
        ("Maria Cristina", "Reyes", "", "female"),
        ("Jose Miguel", "Bautista", "", "male"),
        ("Ana Liza", "Dela Cruz", "", "female"),
        ("Rowena", "Villanueva", "", "female"),
        ("Mark Anthony", "Garcia", "", "male"),
        ("Jocelyn", "Mendoza", "", "female"),
        ("Ricardo", "Aquino", "", "male"),
        ("Liza", "Fernandez", "", "female"),
        ("Noel", "Castillo", "", "male"),
        ("Marites", "Ramos", "", "female"),
    ],
    "USA": [
        ("Jennifer", "Martinez", "", "female"),
        ("Michael", "Johnson", "", "male"),
        ("Sarah", "Thompson", "", "female"),
        ("David", "Okafor", "", "male"),
        ("Lisa", "Washington", "", "female"),
        ("James", "O'Brien", "", "male"),
        ("Emily", "Carter", "", "female"),
        ("Angela", "Rodriguez", "", "female"),
        ("Kevin", "Brooks", "", "male"),
        ("Rachel", "Goldberg", "", "female"),
        ("Marcus", "Bell", "", "male"),
    ],
    "AUS": [
        ("Claire", "Mitchell", "", "female"),
        ("Daniel", "O'Connor", "", "male"),
        ("Rebecca", "Walsh", "", "female"),
        ("Thomas", "Nguyen", "", "male"),
        ("Sophie", "Anderson", "", "female"),
        ("Matthew", "Harris", "", "male"),
        ("Jessica", "Taylor", "", "female"),
        ("Liam", "Murphy", "", "male"),
        ("Hannah", "Kowalski", "", "female"),
    ],
    "SGP": [
        ("Wei Ling", "Tan", "陈伟玲", "female"),
        ("Jia Hui", "Ong", "王佳慧", "female"),
        ("Muhammad Hafiz", "Bin Rahman", "", "male"),
        ("Priya", "Ramasamy", "பிரியா இராமசாமி", "female"),
        ("Kok Leong", "Goh", "吴国良", "male"),
        ("Nurul Huda", "Binte Ismail", "", "female"),
        ("Siew Mei", "Lim", "林秀美", "female"),
        ("Arjun", "Pillai", "அர்ஜுன் பிள்ளை", "male"),
    ],
    "MAS": [
        ("Nur Aisyah", "Binti Ahmad", "", "female"),
        ("Mohd Faizal", "Bin Hassan", "", "male"),
        ("Siew Ling", "Wong", "黄秀玲", "female"),
        ("Kavitha", "Subramaniam", "கவிதா சுப்பிரமணியம்", "female"),
        ("Ahmad Zaki", "Bin Osman", "", "male"),
        ("Mei Fong", "Lee", "李美芳", "female"),
        ("Farah Nadia", "Binti Yusof", "", "female"),
        ("Chee Keong", "Tan", "陈志强", "male"),
        ("Rajesh", "Krishnan", "ராஜேஷ் கிருஷ்ணன்", "male"),
        ("Siti Hajar", "Binti Abdullah", "", "female"),
    ],
}

# More people for the economies above once their first names are used up (2024 applicants);
# kept apart so that the people of the first list stay the same ones in the same order.
MORE_WHOLE_NAMES = {
    "INA": [
        ("Yulia", "Kartika", "", "female"),
        ("Bambang", "Sutrisno", "", "male"),
        ("Indah", "Permatasari", "", "female"),
        ("Rudi", "Hartono", "", "male"),
    ],
    "PHL": [
        ("Maricel", "Santiago", "", "female"),
        ("Arnel", "Domingo", "", "male"),
        ("Grace", "Soriano", "", "female"),
        ("Dennis", "Navarro", "", "male"),
    ],
    "USA": [
        ("Laura", "Kim", "", "female"),
        ("Brian", "Sullivan", "", "male"),
        ("Monica", "Alvarez", "", "female"),
        ("Steven", "Park", "", "male"),
    ],
    "AUS": [
        ("Olivia", "Bennett", "", "female"),
        ("Nathan", "Clarke", "", "male"),
        ("Grace", "Robertson", "", "female"),
        ("Samuel", "Doyle", "", "male"),
    ],
    "SGP": [
        ("Hui Ling", "Chia", "谢慧玲", "female"),
        ("Siti Aminah", "Binte Yusoff", "", "female"),
        ("Ravi", "Menon", "ரவி மேனன்", "male"),
    ],
    "MAS": [
        ("Nor Azlina", "Binti Kamal", "", "female"),
        ("Wei Jie", "Lim", "林伟杰", "male"),
        ("Devi", "Ramachandran", "தேவி இராமச்சந்திரன்", "female"),
    ],
}

ZONES = {
    "ROK": ["Asia/Seoul"],
    "THA": ["Asia/Bangkok"],
    "USA": ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"],
    "JPN": ["Asia/Tokyo"],
    "INA": ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"],
    "PHL": ["Asia/Manila"],
    "SGP": ["Asia/Singapore"],
    "MAS": ["Asia/Kuala_Lumpur", "Asia/Kuching"],
    "AUS": ["Australia/Sydney", "Australia/Perth", "Australia/Brisbane", "Australia/Adelaide"],
    "RUS": ["Europe/Moscow", "Asia/Vladivostok", "Asia/Novosibirsk"],
    "CT": ["Asia/Taipei"],
    "VN": ["Asia/Ho_Chi_Minh"],
}

CALLING_CODES = {
    "ROK": "82",
    "THA": "66",
    "USA": "1",
    "JPN": "81",
    "INA": "62",
    "PHL": "63",
    "SGP": "65",
    "MAS": "60",
    "AUS": "61",
    "RUS": "7",
    "CT": "886",
    "VN": "84",
}


def people_of(code: str, count: int) -> list[Person]:
    """``count`` different people of economy ``code``, always the same ones in the same order."""
    rng = random.Random(f"people-{code}")
    zones = ZONES[code]
    made: list[Person] = []
    if code in WHOLE_NAMES:
        names = list(WHOLE_NAMES[code])
        rng.shuffle(names)
        more = list(MORE_WHOLE_NAMES.get(code, []))
        random.Random(f"more-people-{code}").shuffle(more)
        for given, family, native, gender in (names + more)[:count]:
            made.append(
                Person(
                    given=given,
                    family=family,
                    native=native or f"{given} {family}",
                    gender=gender,
                    economy=code,
                    language="en",
                    zone=rng.choice(zones),
                )
            )
    else:
        parts = NAME_PARTS[code]
        seen: set[tuple[str, str]] = set()
        while len(made) < count:
            gender = rng.choice(["female", "female", "male"])
            given, given_native = rng.choice(parts[gender])
            family_row = rng.choice(parts["family"])
            if code == "RUS":
                male, female, native_male, native_female = family_row
                family, family_native = (
                    (female, native_female) if gender == "female" else (male, native_male)
                )
            else:
                family, family_native = family_row
            if (given, family) in seen:
                continue
            seen.add((given, family))
            order = parts["order"]
            if order == "family_given":
                native = f"{family_native}{given_native}"
            elif order == "family_space_given":
                native = f"{family_native} {given_native}"
            else:
                native = f"{given_native} {family_native}"
            language = "ko" if code == "ROK" and rng.random() < 0.75 else "en"
            made.append(Person(given, family, native, gender, code, language, rng.choice(zones)))
    if len(made) < count:
        raise ValueError(f"Not enough demo names for {code}")
    return made


STAFF = [
    # (e-mail local part, given, family, language, zone)
    ("organizer", "Ji-hye", "Song", "en", "Asia/Seoul"),
    ("certificates", "Da-som", "Yang", "en", "Asia/Seoul"),
    ("reviewer1", "Hyun-joo", "Baek", "ko", "Asia/Seoul"),
    ("reviewer2", "Sang-woo", "Noh", "en", "Asia/Seoul"),
    ("reviewer3", "Patricia", "Lowell", "en", "America/Chicago"),
    ("reviewer4", "Mei Xin", "Chua", "en", "Asia/Singapore"),
    ("reviewer5", "Graham", "Fletcher", "en", "Australia/Melbourne"),
    ("reviewer6", "Priyanka", "Desai", "en", "Australia/Perth"),
    ("coordinator-rok", "Eun-young", "Moon", "ko", "Asia/Seoul"),
    ("coordinator-tha", "Pimchanok", "Saengthong", "en", "Asia/Bangkok"),
    ("coordinator-usa", "Karen", "Whitfield", "en", "America/New_York"),
    ("coordinator-jpn", "Kazuko", "Mori", "en", "Asia/Tokyo"),
    ("coordinator-ina", "Yanti", "Kurniawan", "en", "Asia/Jakarta"),
    ("coordinator-phl", "Teresita", "Lopez", "en", "Asia/Manila"),
    ("coordinator-sgp", "Hui Min", "Teo", "en", "Asia/Singapore"),
    ("coordinator-mas", "Norhayati", "Binti Salleh", "en", "Asia/Kuala_Lumpur"),
    ("coordinator-aus", "Fiona", "McKenzie", "en", "Australia/Sydney"),
    ("coordinator-rus", "Galina", "Orlova", "en", "Asia/Vladivostok"),
    ("coordinator-ct", "Yu-chen", "Hsu", "en", "Asia/Taipei"),
    ("coordinator-vn", "Thu Trang", "Do", "en", "Asia/Ho_Chi_Minh"),
]
# Reviewers' own economies (never reviewing its applicants) and whether they also reviewed in
# the finished cohorts (2024 and 2025).
REVIEWERS = {
    "reviewer1": ("ROK", True),
    "reviewer2": ("ROK", False),
    "reviewer3": ("USA", True),
    "reviewer4": ("SGP", True),
    "reviewer5": ("AUS", True),
    "reviewer6": ("AUS", False),
}


def staff_email(local: str) -> str:
    return f"{local}@{STAFF_DOMAIN}"


class PeopleBuilder:
    """Creates or refreshes demo accounts in bulk: verified e-mail, one shared password hash.

    Hashing is slow on purpose, so the demo password is hashed once per run (or the existing hash
    is kept when it still matches) and given to every account.
    """

    def __init__(self, emails: list[str]):
        self.existing = {u.email: u for u in User.objects.filter(email__in=emails)}
        reference = self.existing.get(staff_email("organizer"))
        password = demo_password()
        if reference is not None and check_password(password, reference.password):
            self.password_hash = reference.password
        else:
            self.password_hash = make_password(password)
        self.created = 0

    def ensure(self, specs: list[dict]) -> dict[str, User]:
        """``specs``: dicts with email, first_name, last_name, preferred_language, time_zone."""
        users: dict[str, User] = {}
        missing = []
        for spec in specs:
            user = self.existing.get(spec["email"])
            if user is None:
                missing.append(User(**spec, password=self.password_hash, is_active=True))
                continue
            changed = [field for field, value in spec.items() if getattr(user, field) != value]
            if user.password != self.password_hash:
                user.password = self.password_hash
                changed.append("password")
            if not user.is_active:
                user.is_active = True
                changed.append("is_active")
            for field in changed:
                if field in spec:
                    setattr(user, field, spec[field])
            if changed:
                user.save(update_fields=changed)
            users[user.email] = user
        if missing:
            for user in User.objects.bulk_create(missing):
                users[user.email] = user
                self.existing[user.email] = user
            self.created += len(missing)
        self._verify_emails(list(users.values()))
        return users

    @staticmethod
    def _verify_emails(users: list[User]) -> None:
        by_id = {user.pk: user for user in users}
        rows = EmailAddress.objects.filter(user_id__in=by_id)
        good = set()
        for row in rows:
            user = by_id[row.user_id]
            if row.email.lower() == user.email.lower():
                if not (row.verified and row.primary):
                    row.verified = row.primary = True
                    row.save(update_fields=["verified", "primary"])
                good.add(user.pk)
            elif row.primary:
                row.primary = False
                row.save(update_fields=["primary"])
        EmailAddress.objects.bulk_create(
            [
                EmailAddress(user=user, email=user.email, verified=True, primary=True)
                for user in users
                if user.pk not in good
            ]
        )


# -- Programme and cohorts -------------------------------------------------------------------


def programme() -> Programme:
    made, _ = Programme.objects.update_or_create(
        slug=PROGRAMME_SLUG,
        defaults={
            "title": "APEC School Leadership Program",
            "short_name": "ASLP",
            "description": (
                "A leadership programme for principals, vice-principals and lead teachers "
                "from APEC member economies, in three stages: online pre-training, an onsite "
                "workshop in Busan with school visits, and online post-training in which each "
                "participant leads a change project at their own school."
            ),
            "organisation_name": "Institute for APEC Collaborative Education",
            "organisation_address": (
                "5F, 12 Haeun-daero 400beon-gil\nHaeundae-gu, Busan 48094\nRepublic of Korea"
            ),
            "organisation_email": "aslp@iace.example.org",
            "letter_signatory_name": "Dr. Seo-yeon Han",
            "letter_signatory_title": "Director, Institute for APEC Collaborative Education",
        },
    )
    ProgrammeTranslation.objects.update_or_create(
        programme=made,
        language_code="ko",
        defaults={
            "title": "APEC 학교 리더십 프로그램",
            "description": (
                "APEC 회원 경제체의 교장, 교감, 수석교사를 위한 리더십 프로그램입니다. 온라인 "
                "사전 연수, 학교 방문이 포함된 부산 현지 워크숍, 그리고 참가자가 자기 학교에서 "
                "변화 프로젝트를 이끄는 온라인 사후 연수의 세 단계로 진행됩니다."
            ),
        },
    )
    return made


def seoul(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=SEOUL)


EARLIER_QUOTAS = {
    # economy: (seats, reserve places); 24 seats in all.
    "ROK": (3, 1),
    "THA": (3, 1),
    "PHL": (3, 1),
    "INA": (3, 1),
    "MAS": (3, 1),
    "AUS": (3, 1),
    "SGP": (3, 1),
    "USA": (3, 1),
}
PAST_QUOTAS = {
    # economy: (seats, reserve places); 30 seats in all.
    "ROK": (4, 2),
    "THA": (4, 2),
    "PHL": (4, 2),
    "INA": (4, 2),
    "MAS": (4, 2),
    "AUS": (4, 2),
    "SGP": (3, 1),
    "USA": (3, 1),
}
CURRENT_QUOTAS = {
    # 32 seats in quotas for 30 in the cohort: the last seats go to the strongest economies.
    "ROK": (3, 2),
    "THA": (3, 2),
    "USA": (3, 2),
    "JPN": (3, 2),
    "INA": (3, 2),
    "PHL": (3, 2),
    "SGP": (2, 1),
    "MAS": (3, 2),
    "AUS": (2, 1),
    "RUS": (2, 1),
    "CT": (2, 1),
    "VN": (3, 2),
}


@dataclass(frozen=True)
class Finished:
    """A finished demo cohort: its year, seats and texts. Its dates are ASLP 2025's, moved
    ``weeks_earlier`` weeks back (whole weeks, so the workshop still starts on a Monday)."""

    title: str
    year: int
    seats: int
    weeks_earlier: int
    description: str
    title_ko: str
    description_ko: str


FINISHED = {
    EARLIER_SLUG: Finished(
        "ASLP 2024",
        2024,
        24,
        52,
        "Twenty-four school leaders from eight economies took part in the 2024 cohort. After "
        "the online pre-training they met in Busan in July for four days of workshops and "
        "school visits, then led change projects at their own schools during the online "
        "post-training.",
        "ASLP 2024 (2024년 기수)",
        "2024년 기수에는 8개 경제체의 학교 리더 24명이 참여했습니다. 온라인 사전 연수를 마친 "
        "뒤 7월 부산에서 4일 동안 워크숍과 학교 방문에 참여했고, 온라인 사후 연수 기간에는 "
        "각자의 학교에서 변화 프로젝트를 이끌었습니다.",
    ),
    PAST_SLUG: Finished(
        "ASLP 2025",
        2025,
        30,
        0,
        "Thirty school leaders from eight economies took part in the 2025 cohort. "
        "After six weeks of online pre-training they met in Busan in July for four "
        "days of workshops and school visits, then led change projects at their own "
        "schools during the online post-training.",
        "ASLP 2025 (2025년 기수)",
        "2025년 기수에는 8개 경제체의 학교 리더 30명이 참여했습니다. 6주간의 온라인 "
        "사전 연수를 마친 뒤 7월 부산에서 4일 동안 워크숍과 학교 방문에 참여했고, "
        "온라인 사후 연수 기간에는 각자의 학교에서 변화 프로젝트를 이끌었습니다.",
    ),
}


def finished_cohort(prog: Programme, slug: str) -> Cohort:
    spec = FINISHED[slug]
    back = dt.timedelta(weeks=spec.weeks_earlier)

    def day(month: int, number: int) -> dt.date:
        return dt.date(2025, month, number) - back

    cohort, _ = Cohort.objects.update_or_create(
        slug=slug,
        defaults={
            "programme": prog,
            "title": spec.title,
            "year": spec.year,
            "description": spec.description,
            "status": CohortStatus.FINISHED,
            "time_zone": "Asia/Seoul",
            "opens_at": seoul(day(1, 6), 9),
            "closes_at": seoul(day(2, 28), 18),
            "total_seats": spec.seats,
            "languages": ["en", "ko"],
            "pre_training_starts": day(4, 7),
            "pre_training_ends": day(5, 30),
            "workshop_starts": day(7, 7),
            "workshop_ends": day(7, 10),
            "post_training_starts": day(8, 18),
            "post_training_ends": day(10, 31),
            "venue_city": "Busan",
            "essay_word_limit": 500,
            "reviewers_per_application": 2,
            "offer_response_days": 14,
        },
    )
    CohortTranslation.objects.update_or_create(
        cohort=cohort,
        language_code="ko",
        defaults={"title": spec.title_ko, "description": spec.description_ko},
    )
    return cohort


def current_cohort(prog: Programme, now: dt.datetime) -> Cohort:
    """Open: applications opened five weeks before today and close three weeks after it."""
    today = timezone.localtime(now, SEOUL).date()
    opens_at = seoul(today - dt.timedelta(days=35), 9)
    closes_at = seoul(today + dt.timedelta(days=21), 18)
    # The stages follow the call: the year after it closes (2027 for a call closing in 2026).
    stage_year = max(2027, closes_at.year + (1 if closes_at.month >= 3 else 0))
    cohort, _ = Cohort.objects.update_or_create(
        slug=CURRENT_SLUG,
        defaults={
            "programme": prog,
            "title": "ASLP 2026",
            "year": 2026,
            "description": (
                "Principals, vice-principals and lead teachers from APEC member economies are "
                "invited to apply. The programme has three stages: online pre-training in "
                "spring, a four-day workshop in Busan with school visits in July, and online "
                "post-training in which each participant leads a change project at their own "
                "school. The working languages are English and Korean; the institute covers "
                "accommodation and meals in Busan."
            ),
            "status": CohortStatus.OPEN,
            "time_zone": "Asia/Seoul",
            "opens_at": opens_at,
            "closes_at": closes_at,
            "total_seats": 30,
            "languages": ["en", "ko"],
            "pre_training_starts": dt.date(stage_year, 4, 5),
            "pre_training_ends": dt.date(stage_year, 5, 28),
            "workshop_starts": dt.date(stage_year, 7, 5),
            "workshop_ends": dt.date(stage_year, 7, 8),
            "post_training_starts": dt.date(stage_year, 8, 16),
            "post_training_ends": dt.date(stage_year, 10, 29),
            "venue_city": "Busan",
            "essay_word_limit": 500,
            "reviewers_per_application": 2,
            "offer_response_days": 14,
        },
    )
    CohortTranslation.objects.update_or_create(
        cohort=cohort,
        language_code="ko",
        defaults={
            "title": "ASLP 2026 (2026년 기수)",
            "description": (
                "APEC 회원 경제체의 교장, 교감, 수석교사의 지원을 기다립니다. 프로그램은 봄의 "
                "온라인 사전 연수, 7월 부산에서 학교 방문과 함께하는 4일간의 워크숍, 그리고 "
                "참가자가 자기 학교에서 변화 프로젝트를 이끄는 온라인 사후 연수의 세 단계로 "
                "이루어집니다. 공용어는 영어와 한국어이며, 부산 체류 중 숙식은 연구원이 "
                "제공합니다."
            ),
        },
    )
    return cohort


def quotas(cohort: Cohort, plan: dict[str, tuple[int, int]], economies) -> None:
    """Create missing quotas; an existing one keeps its figures (organizers may have changed
    them, and the accepted count must stay within its seats)."""
    existing = set(cohort.quotas.values_list("economy__code", flat=True))
    EconomyQuota.objects.bulk_create(
        [
            EconomyQuota(
                cohort=cohort, economy=economies[code], seats=seats, reserve_places=reserve
            )
            for code, (seats, reserve) in plan.items()
            if code not in existing
        ]
    )


RUBRIC = [
    {
        "title": "Leadership experience",
        "description": "How far the applicant's leadership reaches and what it has changed.",
        "weight": Decimal(3),
        "levels": [
            "No leadership role described.",
            "Leads a class or a small team; results are not described.",
            "Leads a department or a school-wide project, with some results.",
            "Leads a school or a large project with clear results for students.",
            "Sustained leadership with documented results beyond their own school.",
        ],
    },
    {
        "title": "Motivation and fit",
        "description": "Why the applicant wants to take part, and what the programme offers them.",
        "weight": Decimal(2),
        "levels": [
            "Generic reasons with no link to the programme.",
            "Some reasons, loosely tied to the programme.",
            "Clear reasons tied to the programme's themes.",
            "Specific goals that the programme can serve.",
            "Compelling, specific goals and a realistic plan to reach them.",
        ],
    },
    {
        "title": "Potential for dissemination",
        "description": "How the applicant will share what they learn, and with whom.",
        "weight": Decimal(2),
        "levels": [
            "No plan to share what is learned.",
            "Intends to share, without a concrete plan.",
            "A plan to share within their own school.",
            "A concrete plan to share with a network of schools.",
            "A plan reaching a district or the whole economy, and the means to carry it out.",
        ],
    },
    {
        "title": "Digital and global competence",
        "description": "Use of digital tools for learning and experience of international work.",
        "weight": Decimal(1),
        "levels": [
            "No evidence of digital or international work.",
            "Basic use of digital tools in teaching.",
            "Regular use of digital tools and some international contact.",
            "Leads digital or international projects.",
            "Recognised for digital or international leadership.",
        ],
    },
]


def rubric(cohort: Cohort) -> list[RubricCriterion]:
    criteria = []
    for order, spec in enumerate(RUBRIC, start=1):
        levels = {f"level_{n}": text for n, text in enumerate(spec["levels"], start=1)}
        criterion, _ = RubricCriterion.objects.update_or_create(
            cohort=cohort,
            title=spec["title"],
            defaults={
                "description": spec["description"],
                "weight": spec["weight"],
                "sort_order": order,
                **levels,
            },
        )
        criteria.append(criterion)
    return criteria


QUESTIONS = [
    {
        "kind": QuestionKind.SHORT_TEXT,
        "label": "Your education office or school district",
        "help_text": "For example: Haeundae District Office of Education, Busan.",
        "choices": "",
        "required": False,
        "ko": ("소속 교육청 또는 교육지원청", "예: 부산광역시해운대교육지원청", ""),
    },
    {
        "kind": QuestionKind.LONG_TEXT,
        "label": "Describe one change you led at your school and what it changed for students.",
        "help_text": "About 150 words.",
        "choices": "",
        "required": True,
        "ko": (
            "학교에서 이끈 변화 한 가지와 그 변화가 학생들에게 가져온 결과를 적어 주세요.",
            "150단어(한국어 400자) 안팎으로 적어 주세요.",
            "",
        ),
    },
    {
        "kind": QuestionKind.SINGLE_CHOICE,
        "label": "Which workshop theme matters most for your school?",
        "help_text": "",
        "choices": (
            "Digital transformation of teaching and learning\n"
            "Inclusive education\n"
            "Teachers' professional growth\n"
            "School and community partnership"
        ),
        "required": True,
        "ko": (
            "학교에 가장 중요한 워크숍 주제는 무엇입니까?",
            "",
            "교수·학습의 디지털 전환\n포용 교육\n교사의 전문성 성장\n학교와 지역사회의 협력",
        ),
    },
    {
        "kind": QuestionKind.MULTIPLE_CHOICE,
        "label": "Which school visits in Busan would you like to join?",
        "help_text": "Choose all that apply.",
        "choices": (
            "Elementary school\nMiddle school\nHigh school\nSpecial education school\n"
            "Education research institute"
        ),
        "required": False,
        "ko": (
            "부산에서 어떤 학교 방문에 참여하고 싶습니까?",
            "해당하는 것을 모두 고르세요.",
            "초등학교\n중학교\n고등학교\n특수학교\n교육연구원",
        ),
    },
    {
        "kind": QuestionKind.YES_NO,
        "label": "Have you taken part in an APEC education programme before?",
        "help_text": "",
        "choices": "",
        "required": True,
        "ko": ("이전에 APEC 교육 프로그램에 참여한 적이 있습니까?", "", ""),
    },
    {
        "kind": QuestionKind.FILE,
        "label": "A photo or a short document about a project at your school (optional)",
        "help_text": "PDF, DOCX, ODT, JPEG or PNG.",
        "choices": "",
        "required": False,
        "ko": (
            "학교 프로젝트를 보여 주는 사진이나 짧은 문서 (선택)",
            "PDF, DOCX, ODT, JPEG 또는 PNG 파일",
            "",
        ),
    },
]


def questions(cohort: Cohort) -> list[ApplicationQuestion]:
    made = []
    for order, spec in enumerate(QUESTIONS, start=1):
        question, _ = ApplicationQuestion.objects.update_or_create(
            cohort=cohort,
            sort_order=order,
            defaults={
                "kind": spec["kind"],
                "label": spec["label"],
                "help_text": spec["help_text"],
                "choices": spec["choices"],
                "required": spec["required"],
            },
        )
        label, help_text, choices = spec["ko"]
        QuestionTranslation.objects.update_or_create(
            question=question,
            language_code="ko",
            defaults={"label": label, "help_text": help_text, "choices": choices},
        )
        made.append(question)
    return made


ACCEPTED_TEMPLATES = {
    "en": (
        "{cohort}: you are offered a place",
        "Dear {name},\n\n"
        "Congratulations! The selection committee of the {programme} is pleased to offer you "
        "a place in {cohort} as a participant from {economy}.\n\n"
        "Please confirm or decline your place by {deadline} ({deadline_cohort_zone} in "
        "Korea). After that date an unanswered offer lapses and the place goes to the next "
        "applicant on your economy's wait-list.\n\n"
        "Answer the offer here: {link}\n\n"
        "Once you confirm, we will ask for your travel details and send a visa invitation "
        "letter if you need one.\n\n"
        "Application reference: {reference}\n\n"
        "Warm regards,\n"
        "The ASLP team, Institute for APEC Collaborative Education",
    ),
    "ko": (
        "{cohort} 선발 안내",
        "{name} 선생님께\n\n"
        "축하드립니다. {programme} 선발위원회는 선생님을 {economy} 대표 참가자로 {cohort}에 "
        "모시게 되어 기쁩니다.\n\n"
        "{deadline}(한국 시간 {deadline_cohort_zone})까지 참가 여부를 알려 주십시오. 기한까지 "
        "답이 없으면 선발은 취소되고, 해당 경제체의 다음 대기자에게 기회가 돌아갑니다.\n\n"
        "참가 확정 또는 사양: {link}\n\n"
        "참가를 확정하시면 여행 정보를 여쭙고, 필요하신 경우 비자 초청장을 보내 드립니다.\n\n"
        "지원 번호: {reference}\n\n"
        "APEC국제교육협력원 ASLP 운영팀 드림",
    ),
}


def message_templates(cohort: Cohort) -> None:
    for language, (subject, body) in ACCEPTED_TEMPLATES.items():
        MessageTemplate.objects.update_or_create(
            kind=MessageKind.ACCEPTED,
            language_code=language,
            cohort=cohort,
            defaults={"subject": subject, "body": body},
        )


def role_grants(
    cohorts: dict[str, Cohort], staff: dict[str, User], economies, alumnus: User | None = None
) -> None:
    """Organizer of every cohort, reviewers and coordinators (of the economies with a quota)
    of the open cohort and, for those who did it then, of the finished ones; ``alumnus`` (a
    2024 participant from Korea) coordinates Korea's applicants in the open cohort."""
    current = cohorts[CURRENT_SLUG]
    finished = [cohorts[slug] for slug in FINISHED_SLUGS]
    finished_quotas = {EARLIER_SLUG: EARLIER_QUOTAS, PAST_SLUG: PAST_QUOTAS}
    wanted: list[tuple[User, str, Cohort | None, Economy | None]] = [
        (staff["organizer"], Role.ORGANIZER, cohort, None) for cohort in (*finished, current)
    ]
    wanted.append((staff["certificates"], Role.CERTIFICATE_STAFF, None, None))
    for local, (code, in_finished) in REVIEWERS.items():
        wanted.append((staff[local], Role.REVIEWER, current, economies[code]))
        if in_finished:
            wanted += [
                (staff[local], Role.REVIEWER, cohort, economies[code]) for cohort in finished
            ]
    for code in CURRENT_QUOTAS:
        coordinator = staff[f"coordinator-{code.lower()}"]
        wanted.append((coordinator, Role.COORDINATOR, current, economies[code]))
        for cohort in finished:
            if code in finished_quotas[cohort.slug]:
                wanted.append((coordinator, Role.COORDINATOR, cohort, economies[code]))
    users = list(staff.values())
    if alumnus is not None:
        wanted.append((alumnus, Role.COORDINATOR, current, economies["ROK"]))
        users.append(alumnus)
    have = set(
        RoleGrant.objects.filter(user__in=users).values_list(
            "user_id", "role", "cohort_id", "economy_id"
        )
    )
    RoleGrant.objects.bulk_create(
        [
            RoleGrant(user=user, role=role, cohort=cohort, economy=economy)
            for user, role, cohort, economy in wanted
            if (
                user.pk,
                role,
                cohort.pk if cohort else None,
                economy.pk if economy else None,
            )
            not in have
        ]
    )


# -- Application texts --------------------------------------------------------------------------

OPENINGS_EN = [
    "I have worked in schools for {years} years and am now {role} at {school}.",
    "For {years} years I have taught and led teams in {level} education; today I serve as "
    "{role} at {school}.",
    "As {role} of {school}, I look after a community of teachers, students and families that "
    "has changed a great deal during my {years} years in education.",
    "My {years} years in education have taken me from the classroom to my current post as "
    "{role} at {school}.",
]
CHALLENGES_EN = [
    "Our biggest challenge is helping teachers use digital tools for learning rather than only "
    "for administration.",
    "Since the pandemic many of our students have gaps in reading and mathematics, and our "
    "teachers need a shared plan to close them.",
    "We welcome more and more children whose first language is not the language of "
    "instruction, and we are still learning how to include them fully.",
    "Teacher turnover in our district is high, so I want to build a culture in which "
    "experienced colleagues mentor new ones.",
    "Our school is in a rural area, and connecting it with other schools and with the wider "
    "world is part of my daily work.",
    "We have started a programme on student wellbeing, and I need better ways to tell whether "
    "it is working.",
]
HOPES_EN = [
    "Through the programme I hope to see how school leaders in other economies plan change and "
    "keep their staff on board.",
    "I want to learn from Korea's experience with digital classrooms and from colleagues who "
    "face the same questions in very different settings.",
    "The school visits in Busan and the exchange with peers attract me most: I learn best by "
    "seeing practice, not only by reading about it.",
    "I am especially interested in instructional leadership: how a principal can support good "
    "teaching without adding to teachers' workload.",
]
SHARING_EN = [
    "Afterwards I will share what I learn with the principals' network of my district and run "
    "a workshop for our teachers.",
    "I plan to write a short report for our education office and to try one new practice at my "
    "school in the following term.",
    "Back home I will lead a study group of school leaders and keep in touch with the colleagues "
    "I meet, so that the exchange goes on.",
    "I will present the results to my colleagues and mentor two younger teachers who want to "
    "become school leaders.",
]
OPENINGS_KO = [
    "저는 교육 현장에서 {years}년 동안 일해 왔으며, 현재 {school}에서 {role_ko} 근무하고 있습니다.",
    "{years}년 동안 학생들과 함께해 온 경험을 바탕으로 지금은 {school}에서 {role_ko} 학교 "
    "운영에 참여하고 있습니다.",
]
CHALLENGES_KO = [
    "우리 학교의 가장 큰 과제는 교사들이 디지털 도구를 행정이 아니라 수업에 활용하도록 돕는 "
    "일입니다.",
    "학생 수가 줄어드는 지역에 있어, 작은 학교만의 강점을 살린 교육과정을 만드는 것이 중요한 "
    "과제입니다.",
    "다문화 가정 학생이 늘어나면서 모든 학생이 함께 배우는 교실을 만드는 방법을 고민하고 있습니다.",
    "코로나19 이후 벌어진 학습 격차를 줄이기 위해 교사들과 함께 기초학력 지원 체계를 만들고 "
    "있습니다.",
]
HOPES_KO = [
    "이번 프로그램을 통해 다른 회원 경제체의 학교 리더들이 변화를 어떻게 계획하고 교직원과 "
    "함께 실행하는지 배우고 싶습니다.",
    "부산에서의 학교 방문과 동료들과의 교류를 통해 책으로는 얻기 어려운 생생한 실천 사례를 "
    "접하고 싶습니다.",
    "특히 교사의 업무 부담을 늘리지 않으면서 수업의 질을 높이는 수업 리더십에 관심이 많습니다.",
]
SHARING_KO = [
    "연수를 마친 뒤에는 지역 교장 협의회에서 배운 내용을 나누고, 우리 학교 교사들을 위한 "
    "연수를 운영하겠습니다.",
    "돌아가서 교육청에 보고서를 제출하고, 다음 학기에 새로운 실천 하나를 우리 학교에서 시범 "
    "운영할 계획입니다.",
    "프로그램에서 만난 동료들과 꾸준히 연락하며 학교 간 교류를 이어 가겠습니다.",
]
CHANGES_EN = [
    "I introduced weekly peer observation among our teachers. Within a year lessons became "
    "more interactive, and the share of students meeting the reading standard rose from 61 to "
    "74 percent.",
    "We replaced end-of-term tests in two grades with project portfolios. Attendance improved "
    "and students now present their work to parents twice a year.",
    "I set up a homework club run by older students for younger ones. It started with twelve "
    "children and now involves more than eighty every week.",
    "Together with the parents' association we turned an unused building into a library and "
    "maker space; borrowing has tripled since it opened.",
]
CHANGES_KO = [
    "교사들이 서로의 수업을 매주 참관하는 문화를 만들었습니다. 1년 만에 수업이 훨씬 "
    "활발해졌고, 읽기 기준에 도달한 학생 비율이 61%에서 74%로 올랐습니다.",
    "두 학년의 학기말 시험을 프로젝트 포트폴리오로 바꾸었습니다. 출석률이 좋아졌고 학생들은 "
    "1년에 두 번 학부모 앞에서 자신의 작품을 발표합니다.",
    "학부모회와 함께 쓰지 않던 건물을 도서관 겸 메이커 공간으로 바꾸었고, 개관 후 대출이 세 "
    "배로 늘었습니다.",
]
REVIEW_COMMENTS = {
    "high": [
        "Strong record of leading change, with figures to show it. A clear plan for sharing.",
        "Convincing motivation and an unusually concrete dissemination plan.",
        "Experienced leader; the project described is well judged and its results are clear.",
    ],
    "mid": [
        "Solid application. The dissemination plan could be more specific.",
        "Good motivation, but little evidence yet of results beyond the classroom.",
        "Promising; the essay describes intentions more than achievements.",
    ],
    "low": [
        "The essay is generic and does not say what the applicant wants from the programme.",
        "Limited leadership experience so far; might be a stronger candidate in a few years.",
        "Little link between the applicant's goals and the programme's themes.",
    ],
}
ENDORSE_COMMENTS = [
    "Recommended by the education office; an active member of our principals' network.",
    "Strong candidate with a clear plan for sharing what she or he learns.",
    "Endorsed. The school is one of our pilot schools for digital learning.",
]
DECLINE_COMMENTS = [
    "Not endorsed this year: the applicant changes schools in March and could not carry out "
    "the project.",
    "We put forward candidates with more leadership experience this year.",
]
ROLE_PHRASES = {
    "principal": ["the principal", "principal"],
    "vice_principal": ["a vice-principal", "vice-principal"],
    "lead_teacher": ["a lead teacher", "head of department"],
    "official": ["an education supervisor", "a curriculum specialist"],
    "other": ["a teacher and school project leader"],
}
ROLE_KO = {
    "principal": ("교장", "교장으로"),
    "vice_principal": ("교감", "교감으로"),
    "lead_teacher": ("수석교사", "수석교사로"),
    "official": ("장학사", "장학사로"),
    "other": ("교사", "교사로"),
}
POSITION_DETAILS = {
    "principal": ["Principal", "School principal", "Head of school"],
    "vice_principal": [
        "Vice-principal",
        "Deputy principal for curriculum",
        "Vice-principal for student affairs",
    ],
    "lead_teacher": [
        "Head of mathematics",
        "Lead teacher for digital learning",
        "Head of the English department",
    ],
    "official": [
        "Education supervisor, district office",
        "Curriculum specialist, education office",
        "School improvement officer",
    ],
    "other": ["Teacher-librarian", "Special education coordinator"],
}
LEVEL_WORDS = {
    "kindergarten": "early childhood",
    "primary": "primary",
    "lower_secondary": "lower secondary",
    "upper_secondary": "upper secondary",
    "special": "special",
    "other": "school",
}
SCHOOL_SUFFIX = {
    "kindergarten": "Kindergarten",
    "primary": "Primary School",
    "lower_secondary": "Middle School",
    "upper_secondary": "High School",
    "special": "Special School",
    "other": "Integrated School",
}
SCHOOL_SUFFIX_KO = {
    "kindergarten": "유치원",
    "primary": "초등학교",
    "lower_secondary": "중학교",
    "upper_secondary": "고등학교",
    "special": "특수학교",
    "other": "통합학교",
}
PLACES = {
    "ROK": _pairs(
        "Haeundae|해운대, Suwon|수원, Daegu Dongsan|대구동산, Gwangju|광주, Jeonju|전주, "
        "Cheongju|청주, Ulsan|울산, Sejong|세종, Jeju|제주, Incheon Songdo|인천송도"
    ),
    "THA": ["Chiang Mai", "Khon Kaen", "Nakhon Ratchasima", "Hat Yai", "Udon Thani", "Phitsanulok"],
    "USA": ["Lincoln", "Riverside", "Maple Grove", "Brookline", "Fairview", "Cedar Rapids"],
    "JPN": ["Sendai", "Kanazawa", "Fukuoka", "Okayama", "Sapporo Kita", "Matsuyama"],
    "INA": ["Bandung", "Yogyakarta", "Makassar", "Semarang", "Malang", "Medan"],
    "PHL": ["Quezon City", "Cebu", "Iloilo", "Davao", "Baguio", "Cagayan de Oro"],
    "SGP": ["Tampines", "Bukit Panjang", "Queenstown", "Woodlands", "Serangoon"],
    "MAS": ["Shah Alam", "Kuching", "Ipoh", "Johor Bahru", "Kota Bharu", "Penang"],
    "AUS": ["Parramatta", "Fremantle", "Ballarat", "Townsville", "Hobart", "Wollongong"],
    "RUS": ["Vladivostok", "Khabarovsk", "Kazan", "Tomsk", "Yekaterinburg"],
    "CT": ["Taichung", "Tainan", "Hsinchu", "Kaohsiung", "Taoyuan"],
    "VN": ["Da Nang", "Hue", "Can Tho", "Hai Phong", "Nha Trang"],
}
INDONESIAN_LEVELS = {
    "primary": "SD Negeri {n} {place}",
    "lower_secondary": "SMP Negeri {n} {place}",
    "upper_secondary": "SMA Negeri {n} {place}",
    "kindergarten": "TK Negeri {n} {place}",
    "special": "SLB Negeri {n} {place}",
    "other": "Sekolah Terpadu {place}",
}
LOGISTICS = {
    "ROK": ("KTX 101 from Seoul", "KTX 154 to Seoul", "", False),
    "THA": ("TG 658 from Bangkok", "TG 659 to Bangkok", "", False),
    "USA": ("KE 038 from Chicago via Incheon", "KE 037 to Chicago via Incheon", "", False),
    "JPN": ("KE 2130 from Tokyo Haneda", "KE 2129 to Tokyo Haneda", "No raw fish, please.", False),
    "INA": ("GA 870 from Jakarta via Incheon", "GA 871 to Jakarta", "Halal meals, please.", True),
    "PHL": ("PR 418 from Manila", "PR 419 to Manila", "", True),
    "SGP": ("SQ 612 from Singapore", "SQ 611 to Singapore", "Vegetarian (no meat or fish).", False),
    "MAS": ("MH 066 from Kuala Lumpur", "MH 067 to Kuala Lumpur", "Halal meals, please.", False),
    "RUS": ("S7 6281 from Vladivostok", "S7 6282 to Vladivostok", "", True),
    "CT": ("CI 188 from Taipei", "CI 189 to Taipei", "", False),
    "VN": ("VN 426 from Hanoi", "VN 427 to Hanoi", "No pork, please.", True),
}


def school_for(rng: random.Random, code: str, level: str, korean: bool) -> tuple[str, str]:
    """(school name, the place's education office) in the applicant's language."""
    if code == "ROK":
        place, place_ko = rng.choice(PLACES["ROK"])
        if korean:
            return f"{place_ko}{SCHOOL_SUFFIX_KO[level]}", f"{place_ko}교육지원청"
        return f"{place} {SCHOOL_SUFFIX[level]}", f"{place} Office of Education"
    place = rng.choice(PLACES[code])
    office = f"{place} District Education Office"
    if code == "INA":
        return INDONESIAN_LEVELS[level].format(n=rng.randint(1, 12), place=place), office
    return f"{place} {SCHOOL_SUFFIX[level]}", office


def motivation(rng: random.Random, profile: dict, korean: bool) -> str:
    if korean:
        role_ko = ROLE_KO[profile["position"]][1]
        values = {"years": profile["years_experience"], "school": profile["school_name"]}
        sentences = [
            rng.choice(OPENINGS_KO).format(role_ko=role_ko, **values),
            rng.choice(CHALLENGES_KO),
            rng.choice(HOPES_KO),
            rng.choice(SHARING_KO),
        ]
        return " ".join(sentences[:2]) + "\n\n" + " ".join(sentences[2:])
    values = {
        "years": profile["years_experience"],
        "school": profile["school_name"],
        "role": rng.choice(ROLE_PHRASES[profile["position"]]),
        "level": LEVEL_WORDS[profile["school_level"]],
    }
    challenges = rng.sample(CHALLENGES_EN, 2)
    return (
        rng.choice(OPENINGS_EN).format(**values)
        + " "
        + " ".join(challenges)
        + "\n\n"
        + rng.choice(HOPES_EN)
        + " "
        + rng.choice(SHARING_EN)
    )


def answers_for(rng: random.Random, qs: list[ApplicationQuestion], office: str, korean: bool):
    """Answers keyed by question id (as text): text, the English choice(s), "yes"/"no"."""
    answers = {}
    for question in qs:
        key = str(question.pk)
        if question.kind == QuestionKind.SHORT_TEXT:
            answers[key] = office
        elif question.kind == QuestionKind.LONG_TEXT:
            answers[key] = rng.choice(CHANGES_KO if korean else CHANGES_EN)
        elif question.kind == QuestionKind.SINGLE_CHOICE:
            answers[key] = rng.choice(question.choice_list())
        elif question.kind == QuestionKind.MULTIPLE_CHOICE:
            options = question.choice_list()
            answers[key] = sorted(rng.sample(options, rng.randint(1, 3)), key=options.index)
        elif question.kind == QuestionKind.YES_NO:
            answers[key] = "yes" if rng.random() < 0.2 else "no"
    return answers


# -- Files ----------------------------------------------------------------------------------------


def pdf_document(title: str, lines: list[str]) -> bytes:
    """A one-page PDF with a title and lines of text (Latin letters)."""
    try:
        from reportlab.lib.pagesizes import A4
        from reportlab.pdfgen import canvas
    except ImportError:  # pragma: no cover - reportlab is a dependency; kept for lean installs
        return _bare_pdf(title, lines)
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    page.setTitle(title)
    width, height = A4
    page.setFont("Helvetica-Bold", 16)
    page.drawString(60, height - 80, title)
    page.setFont("Helvetica", 11)
    y = height - 115
    for line in lines:
        page.drawString(60, y, line)
        y -= 18
    page.showPage()
    page.save()
    return buffer.getvalue()


def _bare_pdf(title: str, lines: list[str]) -> bytes:
    """A valid single-page PDF written by hand (Helvetica, ASCII text only)."""

    def escape(text: str) -> str:
        text = text.encode("ascii", "replace").decode()
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    commands = ["BT /F1 16 Tf 60 760 Td (" + escape(title) + ") Tj ET"]
    y = 725
    for line in lines:
        commands.append(f"BT /F1 11 Tf 60 {y} Td (" + escape(line) + ") Tj ET")
        y -= 18
    stream = "\n".join(commands).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return bytes(out)


def attach_pdf(
    application: Application, kind: str, name: str, content: bytes, question=None, commit=True
) -> ApplicationFile:
    """Store ``content`` privately under a generated name; the row is saved unless ``commit``
    is false (for a bulk insert)."""
    upload = ApplicationFile(
        application=application,
        kind=kind,
        question=question,
        original_name=name,
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    upload.file.save(name, ContentFile(content), save=False)
    if commit:
        upload.save()
    return upload


def cv_pdf(app: Application, economy_name: str) -> bytes:
    return pdf_document(
        f"Curriculum vitae - {app.given_names} {app.family_name}",
        [
            f"Economy: {economy_name}",
            f"Current post: {app.position_detail}",
            f"School: {app.school_name if app.school_name.isascii() else '(see application)'}",
            f"Years in education: {app.years_experience}",
            "",
            "Education",
            "  Master of Education, Educational Leadership",
            "  Bachelor of Education",
            "",
            "Experience",
            f"  {app.position_detail}, since {2026 - min(app.years_experience or 5, 8)}",
            "  Classroom teacher and head of department before that",
        ],
    )


def letter_pdf(app: Application, economy_name: str) -> bytes:
    return pdf_document(
        "Letter of endorsement",
        [
            "To the selection committee of the APEC School Leadership Program,",
            "",
            f"We endorse the application of {app.given_names} {app.family_name.upper()},",
            f"{app.position_detail}, to the programme on behalf of {economy_name}.",
            "The applicant has our support to take part in every stage of the programme",
            "and to share what is learned with schools in our network.",
            "",
            "Director of School Leadership, Office of Education",
        ],
    )


# -- Applications -----------------------------------------------------------------------------

# What happens to ASLP 2026 applicants, economy by economy (people in order). ROK's draft from
# applicant-ko@ comes on top. Seats held (accepted + confirmed) stay within every quota.
# fmt: off
CURRENT_PLAN = {
    "ROK": [S.CONFIRMED, S.CONFIRMED, S.ACCEPTED, S.WAITLISTED, S.WAITLISTED, S.SUBMITTED,
            S.SUBMITTED, S.REJECTED],
    "THA": [S.CONFIRMED, S.CONFIRMED, S.ACCEPTED, S.SUBMITTED, S.SUBMITTED, S.WITHDRAWN],
    # The first accepted one got the seat that the offer_declined one gave back.
    "USA": [S.CONFIRMED, S.OFFER_DECLINED, S.ACCEPTED, S.WAITLISTED, S.SUBMITTED, S.DRAFT],
    "JPN": [S.CONFIRMED, S.SUBMITTED, S.SUBMITTED, S.REJECTED, S.DRAFT],
    "INA": [S.CONFIRMED, S.ACCEPTED, S.SUBMITTED, S.SUBMITTED, S.REJECTED],
    # The accepted one got the seat of the expired offer.
    "PHL": [S.CONFIRMED, S.OFFER_EXPIRED, S.ACCEPTED, S.WAITLISTED, S.SUBMITTED],
    "SGP": [S.CONFIRMED, S.ACCEPTED, S.WAITLISTED, S.SUBMITTED],
    "MAS": [S.CONFIRMED, S.SUBMITTED, S.SUBMITTED, S.REJECTED, S.WITHDRAWN],
    "AUS": [S.SUBMITTED, S.SUBMITTED, S.DRAFT, S.REJECTED],
    "RUS": [S.CONFIRMED, S.SUBMITTED, S.SUBMITTED, S.SUBMITTED],
    "CT": [S.CONFIRMED, S.SUBMITTED, S.SUBMITTED, S.REJECTED],
    "VN": [S.CONFIRMED, S.SUBMITTED, S.SUBMITTED, S.DRAFT],
}
# fmt: on
PAST_PLAN = {
    "ROK": [S.CONFIRMED] * 4 + [S.REJECTED],
    "THA": [S.CONFIRMED] * 4 + [S.REJECTED],
    "PHL": [S.CONFIRMED] * 4 + [S.WITHDRAWN],
    "INA": [S.CONFIRMED] * 4 + [S.REJECTED],
    "MAS": [S.CONFIRMED] * 4 + [S.REJECTED],
    "AUS": [S.CONFIRMED] * 4 + [S.REJECTED],
    "SGP": [S.CONFIRMED] * 3 + [S.WITHDRAWN],
    "USA": [S.CONFIRMED] * 3 + [S.OFFER_DECLINED, S.REJECTED],
}
# ASLP 2024, new people only (returning ones come from RETURNING): three confirmed in each
# economy; the others were not selected.
EARLIER_PLAN = {
    "ROK": [S.CONFIRMED] * 3 + [S.REJECTED],
    "THA": [S.CONFIRMED] * 3 + [S.REJECTED],
    "PHL": [S.CONFIRMED] * 3 + [S.WITHDRAWN],
    "INA": [S.CONFIRMED] * 3 + [S.REJECTED],
    "MAS": [S.CONFIRMED] * 3,
    "AUS": [S.CONFIRMED] * 3 + [S.OFFER_DECLINED],
    "SGP": [S.CONFIRMED] * 3,
    "USA": [S.CONFIRMED] * 3 + [S.REJECTED],
}
# One person across cohorts: (economy, their 2024 status, the later cohort, their place among
# that cohort's people of the economy). Rejected or withdrawn in 2024, confirmed in 2025; rejected
# in 2024, applying again in 2026; declined the 2024 offer, confirmed in 2026.
RETURNING = [
    ("ROK", S.REJECTED, PAST_SLUG, 3),
    ("THA", S.WITHDRAWN, PAST_SLUG, 2),
    ("MAS", S.REJECTED, CURRENT_SLUG, 1),
    ("USA", S.OFFER_DECLINED, CURRENT_SLUG, 0),
]
# How good the applications of each status look to reviewers (a mean and a spread on 1-5).
QUALITY = {
    S.CONFIRMED: (4.2, 0.4),
    S.ACCEPTED: (4.1, 0.4),
    S.OFFER_DECLINED: (4.0, 0.3),
    S.OFFER_EXPIRED: (3.9, 0.3),
    S.WAITLISTED: (3.5, 0.3),
    S.REJECTED: (2.4, 0.4),
    S.SUBMITTED: (3.3, 0.8),
    S.WITHDRAWN: (3.0, 0.5),
}
POSITIONS = (
    ["principal"] * 8
    + ["vice_principal"] * 6
    + ["lead_teacher"] * 3
    + [
        "official",
        "official",
        "other",
    ]
)
LEVELS = (
    ["primary"] * 7
    + ["lower_secondary"] * 5
    + ["upper_secondary"] * 5
    + [
        "kindergarten",
        "special",
        "other",
    ]
)
YEARS = {
    "principal": (18, 32),
    "vice_principal": (14, 28),
    "lead_teacher": (8, 20),
    "official": (12, 26),
    "other": (6, 18),
}


def round2(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def weighted(criteria: list[RubricCriterion], values: list[int]) -> Decimal:
    total = sum((c.weight for c in criteria), Decimal(0))
    return round2(
        sum((c.weight * v for c, v in zip(criteria, values, strict=True)), Decimal(0)) / total
    )


def offer_deadline(cohort: Cohort, decided_at: dt.datetime) -> dt.datetime:
    """The end of the day ``offer_response_days`` after the decision, in the cohort's zone."""
    local = timezone.localtime(decided_at, cohort.zone).date()
    last_day = local + dt.timedelta(days=cohort.offer_response_days)
    return dt.datetime.combine(last_day, dt.time(23, 59, 59), tzinfo=cohort.zone)


_E = EndorsementStatus
ENDORSEMENT_ROTATION = {
    S.SUBMITTED: [_E.ENDORSED, _E.PENDING, _E.ENDORSED, _E.DECLINED, _E.PENDING, _E.PENDING],
    S.REJECTED: [_E.ENDORSED, _E.DECLINED],
}


@dataclass
class Planned:
    person: Person
    status: str
    quality: float
    application: Application | None = None


class CohortBuilder:
    """Creates the applications of one cohort that do not exist yet, with everything around
    them (files, reviews, endorsements, logistics)."""

    def __init__(
        self,
        cohort: Cohort,
        *,
        plan: list[Planned],
        users: dict[str, User],
        staff: dict[str, User],
        economies: dict[str, Economy],
        criteria: list[RubricCriterion],
        qs: list[ApplicationQuestion],
        now: dt.datetime,
        with_files: bool,
        seed: str,
    ):
        self.cohort = cohort
        self.plan = plan
        self.users = users
        self.staff = staff
        self.economies = economies
        self.criteria = criteria
        self.qs = qs
        self.now = now
        self.with_files = with_files
        self.rng = random.Random(seed)
        self.created: list[Planned] = []
        self.office = ""
        self.logistics: list[Logistics] = []
        self.seen: Counter = Counter()

    # Times: the whole story of the past cohort happened in 2025; the current one's happened
    # between the opening of the call and now.
    def _moment(self, start: dt.datetime, end: dt.datetime) -> dt.datetime:
        span = (end - start).total_seconds()
        if span <= 0:
            return start
        return start + dt.timedelta(seconds=int(self.rng.uniform(0, span)))

    def build(self) -> list[Planned]:
        existing = set(
            Application.objects.filter(cohort=self.cohort).values_list("applicant_id", flat=True)
        )
        for item in self.plan:
            user = self.users[item.person.email]
            if user.pk in existing:
                continue
            item.application = self._application(item, user)
            self.created.append(item)
        if not self.created:
            return self.created
        apps = Application.objects.bulk_create([item.application for item in self.created])
        for app in apps:
            if app.status != S.DRAFT:
                # Numbered as the application form numbers them.
                app.reference = f"{self.cohort.reference_prefix}-{app.pk:05d}"
        self._timestamps()
        for row in self.logistics:
            row.application_id = row.application.pk
        Logistics.objects.bulk_create(self.logistics)
        if self.with_files:
            ApplicationFile.objects.bulk_create(
                [upload for app in apps if app.status != S.DRAFT for upload in self._files(app)]
            )
        self._reviews()
        return self.created

    def _profile(self, item: Planned) -> dict:
        person, rng = item.person, self.rng
        korean = person.language == "ko"
        position = rng.choice(POSITIONS)
        level = rng.choice(LEVELS)
        years = rng.randint(*YEARS[position])
        detail = ROLE_KO[position][0] if korean else rng.choice(POSITION_DETAILS[position])
        digits = "".join(str(rng.randint(0, 9)) for _ in range(8))
        school, self.office = school_for(rng, person.economy, level, korean)
        return {
            "family_name": person.family,
            "given_names": person.given,
            "native_name": person.native,
            "gender": person.gender,
            "position": position,
            "position_detail": detail,
            "school_name": school,
            "school_level": level,
            "years_experience": years,
            "economy": self.economies[person.economy],
            "preferred_language": person.language,
            "time_zone": person.zone,
            "phone": f"+{CALLING_CODES[person.economy]} {digits[:2]} {digits[2:5]} {digits[5:]}",
        }

    def _application(self, item: Planned, user: User) -> Application:
        rng, cohort, status = self.rng, self.cohort, item.status
        profile = self._profile(item)
        korean = item.person.language == "ko"
        profile["motivation"] = motivation(rng, profile, korean)
        profile["answers"] = answers_for(rng, self.qs, self.office, korean)
        if status == S.DRAFT:
            # A draft stops somewhere: no essay end, fewer answers, no files.
            profile["motivation"] = profile["motivation"].split("\n\n")[0]
            profile["answers"] = dict(list(profile["answers"].items())[:2])
            for field in ("phone", "years_experience", "school_level"):
                profile[field] = None if field == "years_experience" else ""
        app = Application(cohort=cohort, applicant=user, status=status, **profile)
        window_end = min(cohort.closes_at, self.now)
        if status != S.DRAFT:
            # Leave room after submission for endorsement, reviews, decisions and answers.
            room = {S.SUBMITTED: 1, S.CONFIRMED: 20, S.OFFER_DECLINED: 20, S.OFFER_EXPIRED: 25}
            latest = window_end - dt.timedelta(days=room.get(status, 12))
            app.submitted_at = self._moment(cohort.opens_at + dt.timedelta(hours=6), latest)
        self._coordinator(app, item)
        self._decision(app, item)
        return app

    def _files(self, app: Application) -> list[ApplicationFile]:
        """CV, endorsement letter and sometimes a file answer, stored; rows not saved yet."""
        economy_name = app.economy.name
        files = [
            attach_pdf(
                app,
                FileKind.CV,
                f"CV_{ascii_slug(app.family_name).title()}.pdf",
                cv_pdf(app, economy_name),
                commit=False,
            ),
            attach_pdf(
                app,
                FileKind.ENDORSEMENT_LETTER,
                "Endorsement_letter.pdf",
                letter_pdf(app, economy_name),
                commit=False,
            ),
        ]
        file_question = next((q for q in self.qs if q.kind == QuestionKind.FILE), None)
        if file_question is not None and self.rng.random() < 0.25:
            school = app.school_name if app.school_name.isascii() else "Our school"
            files.append(
                attach_pdf(
                    app,
                    FileKind.ANSWER,
                    "School_project.pdf",
                    pdf_document(
                        "School project",
                        [school, "Photos and notes from our reading club and maker space."],
                    ),
                    question=file_question,
                    commit=False,
                )
            )
        return files

    def _coordinator(self, app: Application, item: Planned) -> None:
        """Endorsement and comment: decided applications were endorsed; among the others the
        coordinators endorsed, declined or have not answered yet, in a fixed rotation."""
        if app.status in (S.DRAFT, S.WITHDRAWN):
            return
        rng = self.rng
        if app.status in ENDORSEMENT_ROTATION:
            rotation = ENDORSEMENT_ROTATION[app.status]
            self.seen[app.status] += 1
            endorsement = rotation[self.seen[app.status] % len(rotation)]
        else:
            endorsement = EndorsementStatus.ENDORSED
        if endorsement == EndorsementStatus.PENDING:
            return
        app.endorsement = endorsement
        comments = (
            ENDORSE_COMMENTS if endorsement == EndorsementStatus.ENDORSED else DECLINE_COMMENTS
        )
        app.endorsement_comment = rng.choice(comments)
        app.endorsed_by = self.staff[f"coordinator-{item.person.economy.lower()}"]
        app.endorsed_at = min(
            app.submitted_at + dt.timedelta(hours=rng.randint(20, 90)),
            app.submitted_at + (self.now - app.submitted_at) / 2,
        )

    def _decision(self, app: Application, item: Planned) -> None:
        status, rng, cohort = app.status, self.rng, self.cohort
        organizer = self.staff["organizer"]
        if status in (S.DRAFT, S.SUBMITTED):
            return
        if status == S.WITHDRAWN:
            app.withdrawn_at = app.submitted_at + dt.timedelta(days=rng.randint(2, 9))
            return
        end = min(cohort.closes_at + dt.timedelta(days=20), self.now - dt.timedelta(days=2))
        earliest = app.submitted_at + dt.timedelta(days=7)
        if cohort.closes_at < self.now:
            # A past call: decided in the weeks after it closed.
            earliest = max(earliest, cohort.closes_at + dt.timedelta(days=5))
        if status == S.ACCEPTED:
            # Offers made in the last week, so every open offer is still running.
            end = self.now - dt.timedelta(hours=6)
            earliest = max(earliest, self.now - dt.timedelta(days=6))
        elif status == S.OFFER_EXPIRED:
            # Its deadline (14 days after the decision, end of day) passed two days ago.
            end = earliest = self.now - dt.timedelta(days=cohort.offer_response_days + 3)
        app.decided_at = self._moment(earliest, max(end, earliest))
        app.decided_by = organizer
        if status == S.WAITLISTED:
            position = sum(
                1
                for other in self.plan
                if other.person.economy == item.person.economy
                and other.status == S.WAITLISTED
                and other is not item
                and self.plan.index(other) < self.plan.index(item)
            )
            # The first on the list of USA and PHL got the seat given back; the rest keep
            # their numbers.
            promoted = item.person.economy in ("USA", "PHL")
            app.waitlist_position = position + 1 + (1 if promoted else 0)
        if status in (S.ACCEPTED, S.CONFIRMED, S.OFFER_DECLINED, S.OFFER_EXPIRED):
            app.offer_deadline = offer_deadline(cohort, app.decided_at)
        if status in (S.CONFIRMED, S.OFFER_DECLINED):
            answer_by = min(app.offer_deadline, self.now)
            app.offer_answered_at = self._moment(app.decided_at + dt.timedelta(hours=5), answer_by)
        if status == S.CONFIRMED and item.person.economy in LOGISTICS and rng.random() < 0.6:
            self.logistics.append(self._logistics(app, item.person.economy))

    def _logistics(self, app: Application, code: str) -> Logistics:
        arrival, departure, diet, visa = LOGISTICS[code]
        start, end = self.cohort.workshop_starts, self.cohort.workshop_ends
        return Logistics(
            application=app,
            passport_name_confirmed=True,
            arrival_at=dt.datetime.combine(
                start - dt.timedelta(days=1), dt.time(self.rng.randint(9, 20), 30), tzinfo=SEOUL
            ),
            arrival_details=arrival,
            departure_at=dt.datetime.combine(
                end + dt.timedelta(days=1), dt.time(self.rng.randint(8, 18), 15), tzinfo=SEOUL
            ),
            departure_details=departure,
            dietary_needs=diet,
            accessibility_needs=(
                "A room near the lift, please: I walk with a stick."
                if self.rng.random() < 0.15
                else ""
            ),
            needs_visa_letter=visa,
        )

    def _timestamps(self) -> None:
        """Started and last-saved times in the story (auto fields set by hand, in one query)."""
        apps = [item.application for item in self.created]
        for app in apps:
            anchor = app.submitted_at or self._moment(self.cohort.opens_at, self.now)
            app.created_at = max(
                anchor - dt.timedelta(hours=self.rng.randint(3, 200)),
                self.cohort.opens_at + dt.timedelta(minutes=self.rng.randint(5, 300)),
            )
            app.updated_at = max(
                filter(None, [anchor, app.decided_at, app.withdrawn_at, app.offer_answered_at])
            )
        Application.objects.bulk_update(apps, ["reference", "created_at", "updated_at"])

    def _reviews(self) -> None:
        """Two reviewers per submitted application: never from the applicant's economy, never
        one with a declared conflict, the least loaded first. Scores in for all decided
        applications and most open ones."""
        cohort, rng = self.cohort, self.rng
        reviewer_economy = {
            grant.user_id: grant.economy_id
            for grant in RoleGrant.objects.filter(role=Role.REVIEWER, cohort=cohort)
        }
        reviewers = sorted(reviewer_economy)
        load = Counter(
            dict(
                ReviewAssignment.objects.filter(application__cohort=cohort)
                .exclude(application__status__in=[S.DRAFT, S.WITHDRAWN])
                .values_list("reviewer_id")
                .annotate(n=Count("pk"))
                .values_list("reviewer_id", "n")
            )
        )
        conflicts = defaultdict(set)
        # One declared conflict: the second Korean reviewer once worked with a Thai applicant.
        thai = next(
            (
                item.application
                for item in self.created
                if item.person.economy == "THA" and item.status == S.SUBMITTED
            ),
            None,
        )
        if thai is not None and cohort.slug == CURRENT_SLUG:
            conflicted = self.staff["reviewer2"]
            ConflictOfInterest.objects.get_or_create(
                reviewer=conflicted,
                application=thai,
                defaults={"reason": "We taught at the same school until 2022."},
            )
            conflicts[thai.pk].add(conflicted.pk)
        assignments, scores_for = [], []
        for item in self.created:
            app = item.application
            if app.status in (S.DRAFT, S.WITHDRAWN):
                continue
            eligible = [
                pk
                for pk in reviewers
                if reviewer_economy[pk] != app.economy_id
                and pk not in conflicts[app.pk]
                and pk != app.applicant_id
            ]
            eligible.sort(key=lambda pk: (load[pk], rng.random()))
            chosen = eligible[: cohort.reviewers_per_application]
            # Open applications: about a third wait for at least one score.
            pending = 0
            if app.status == S.SUBMITTED:
                roll = rng.random()
                pending = 2 if roll < 0.12 else 1 if roll < 0.35 else 0
            for index, reviewer_id in enumerate(chosen):
                load[reviewer_id] += 1
                assigned_at = min(
                    app.submitted_at + dt.timedelta(hours=rng.randint(2, 48)),
                    self.now - dt.timedelta(hours=1),
                )
                review = ReviewAssignment(
                    application=app,
                    reviewer_id=reviewer_id,
                    assigned_by=self.staff["organizer"],
                )
                review.demo_assigned_at = assigned_at
                done = index < len(chosen) - pending
                if done:
                    values = [
                        max(1, min(5, round(rng.gauss(item.quality, 0.55)))) for _c in self.criteria
                    ]
                    review.weighted_score = weighted(self.criteria, values)
                    latest = app.decided_at or self.now
                    review.submitted_at = self._moment(
                        min(assigned_at + dt.timedelta(hours=3), latest), latest
                    )
                    level = (
                        "high"
                        if review.weighted_score >= 3.8
                        else ("mid" if review.weighted_score >= 2.9 else "low")
                    )
                    review.comment = rng.choice(REVIEW_COMMENTS[level])
                    scores_for.append((review, values))
                assignments.append(review)
        ReviewAssignment.objects.bulk_create(assignments)
        for review in assignments:
            review.assigned_at = review.demo_assigned_at
        ReviewAssignment.objects.bulk_update(assignments, ["assigned_at"])
        Score.objects.bulk_create(
            [
                Score(review=review, criterion=criterion, value=value)
                for review, values in scores_for
                for criterion, value in zip(self.criteria, values, strict=True)
            ]
        )
        by_app = defaultdict(list)
        for review in assignments:
            if review.submitted_at is not None:
                by_app[review.application_id].append(review.weighted_score)
        apps = []
        for item in self.created:
            app = item.application
            found = by_app.get(app.pk, [])
            app.review_count = len(found)
            app.score_mean = round2(sum(found, Decimal(0)) / len(found)) if found else None
            app.score_spread = round2(max(found) - min(found)) if found else None
            apps.append(app)
        Application.objects.bulk_update(apps, ["review_count", "score_mean", "score_spread"])


def rank_candidates(cohort: Cohort, codes: list[str]) -> None:
    """Coordinators of these economies have ranked their endorsed candidates (best first), if
    they have not ranked anyone yet."""
    for code in codes:
        candidates = list(
            Application.objects.filter(
                cohort=cohort, economy__code=code, endorsement=EndorsementStatus.ENDORSED
            ).order_by(F("score_mean").desc(nulls_last=True), "pk")
        )
        if not candidates or any(app.coordinator_rank for app in candidates):
            continue
        for rank, app in enumerate(candidates, start=1):
            app.coordinator_rank = rank
        Application.objects.bulk_update(candidates, ["coordinator_rank"])


def nominations(cohort: Cohort, coordinator: User, economy: Economy) -> None:
    """The Korean coordinator nominated two people: one has applied, one not yet."""
    nominee = (
        Application.objects.filter(cohort=cohort, economy=economy, status=S.SUBMITTED)
        .select_related("applicant")
        .order_by("pk")
        .first()
    )
    if (
        nominee is not None
        and not Nomination.objects.filter(cohort=cohort).exclude(application=None).exists()
    ):
        Nomination.objects.get_or_create(
            cohort=cohort,
            email=nominee.applicant.email,
            defaults={
                "economy": economy,
                "name": nominee.native_name or nominee.display_name,
                "message": "선생님의 학교 혁신 경험을 APEC 동료들과 나누어 주시기를 바랍니다.",
                "language": "ko",
                "invited_by": coordinator,
                "application": nominee,
            },
        )
        # Invited a few days before applying.
        Nomination.objects.filter(cohort=cohort, application=nominee).update(
            created_at=nominee.submitted_at - dt.timedelta(days=3)
        )
        if nominee.nominated_by_id is None:
            nominee.nominated_by = coordinator
            nominee.save(update_fields=["nominated_by"])
    Nomination.objects.get_or_create(
        cohort=cohort,
        email="lee.seoyun@rok.example.org",
        defaults={
            "economy": economy,
            "name": "이서윤",
            "message": (
                "교육지원청에서 추천드립니다. 마감 전에 지원서를 작성해 주시면 감사하겠습니다."
            ),
            "language": "ko",
            "invited_by": coordinator,
        },
    )


def applicant_ko_draft(cohort: Cohort, qs: list[ApplicationQuestion], economy: Economy, builder):
    """The Korean demo applicant's draft, half done: what a visitor signing in finds again."""
    user = builder.ensure(
        [
            {
                "email": APPLICANT_KO_EMAIL,
                "first_name": "Minsu",
                "last_name": "Kim",
                "preferred_language": "ko",
                "time_zone": "Asia/Seoul",
            }
        ]
    )[APPLICANT_KO_EMAIL]
    if Application.objects.filter(cohort=cohort, applicant=user).exists():
        return False
    by_kind = {q.kind: q for q in qs}
    answers = {}
    if QuestionKind.SHORT_TEXT in by_kind:
        answers[str(by_kind[QuestionKind.SHORT_TEXT].pk)] = "부산광역시해운대교육지원청"
    if QuestionKind.SINGLE_CHOICE in by_kind:
        answers[str(by_kind[QuestionKind.SINGLE_CHOICE].pk)] = "Inclusive education"
    Application.objects.create(
        cohort=cohort,
        applicant=user,
        status=S.DRAFT,
        family_name="Kim",
        given_names="Minsu",
        native_name="김민수",
        gender="male",
        position="vice_principal",
        position_detail="교감",
        school_name="부산해운대초등학교",
        school_level="primary",
        years_experience=17,
        economy=economy,
        preferred_language="ko",
        time_zone="Asia/Seoul",
        motivation=(
            "저는 초등학교에서 17년 동안 근무했고, 지금은 부산해운대초등학교에서 교감으로 "
            "일하고 있습니다. 우리 학교에는 다문화 가정 학생이 해마다 늘고 있어"
        ),
        answers=answers,
    )
    return True


def recount_seats(cohort: Cohort) -> None:
    """accepted_count of the cohort and of each quota = applications holding a seat."""
    held = dict(
        Application.objects.filter(cohort=cohort, status__in=SEAT_HOLDING)
        .values_list("economy_id")
        .annotate(n=Count("pk"))
        .values_list("economy_id", "n")
    )
    for quota in cohort.quotas.all():
        count = held.get(quota.economy_id, 0)
        if quota.accepted_count != count:
            EconomyQuota.objects.filter(pk=quota.pk).update(accepted_count=count)
    total = sum(held.values())
    if cohort.accepted_count != total:
        Cohort.objects.filter(pk=cohort.pk).update(accepted_count=total)
        cohort.accepted_count = total


def _plan(cohort_plan: dict[str, list[str]], people: dict[str, list[Person]], seed: str):
    rng = random.Random(seed)
    planned = []
    for code, statuses in cohort_plan.items():
        for person, status in zip(people[code], statuses, strict=False):
            mean, spread = QUALITY.get(status, (3.0, 0.5))
            planned.append(Planned(person, status, rng.gauss(mean, spread)))
    # Interleave economies, as applications come in.
    rng.shuffle(planned)
    return planned


def cohort_people() -> dict[str, dict[str, list[Person]]]:
    """Cohort slug -> economy -> the people who apply, in plan order. Each economy's people are
    dealt out in a fixed order (2026, 2025, then the new people of 2024), so the people of
    2025 and 2026 stay the same ones whatever 2024 adds; the returning people of 2024 are
    people of a later cohort."""
    plans = {CURRENT_SLUG: CURRENT_PLAN, PAST_SLUG: PAST_PLAN, EARLIER_SLUG: EARLIER_PLAN}
    counts = Counter()
    for plan in plans.values():
        for code, statuses in plan.items():
            counts[code] += len(statuses)
    pool = {code: people_of(code, n) for code, n in counts.items()}
    dealt: dict[str, dict[str, list[Person]]] = {}
    taken = Counter()
    for slug, plan in plans.items():
        dealt[slug] = {}
        for code, statuses in plan.items():
            dealt[slug][code] = pool[code][taken[code] : taken[code] + len(statuses)]
            taken[code] += len(statuses)
    for code, _status, later, index in RETURNING:
        dealt[EARLIER_SLUG][code] = [*dealt[EARLIER_SLUG][code], dealt[later][code][index]]
    return dealt


# Alumni who chose to be listed in the alumni directory: (given names, family name, economy,
# position, about, whether they give a contact address). Korean alumni write in Korean.
ALUMNI = [
    (
        "Jae-hyun",
        "Yoon",
        "ROK",
        "Principal",
        "I lead a middle school in Daegu and now coordinate Korea's applicants. Happy to talk "
        "about teacher-led research groups.",
        True,
    ),
    (
        "Eun-kyung",
        "Kim",
        "ROK",
        "교감",
        "2024년에는 선발되지 않았지만 2025년에 참여했습니다. 교사 학습공동체 운영 경험을 나누고 "
        "싶습니다.",
        True,
    ),
    (
        "Da-hye",
        "Jung",
        "ROK",
        "교장",
        "농어촌 소규모 학교의 교육과정 혁신에 관심이 많습니다.",
        False,
    ),
    (
        "Wilaiwan",
        "Srisuk",
        "THA",
        "Deputy director",
        "Working on school-based coaching for new teachers in northern Thailand.",
        True,
    ),
    (
        "Sophie",
        "Anderson",
        "AUS",
        "Head of curriculum",
        "Interested in student wellbeing programmes and partnerships between schools across "
        "the region.",
        True,
    ),
]


def alumni_profiles() -> int:
    """The listed alumni profiles of :data:`ALUMNI`: made or brought back to these values; their
    school is the one of their latest confirmed application. Returns how many were made."""
    made = 0
    for given, family, code, position, about, with_contact in ALUMNI:
        email = f"{ascii_slug(given)}.{ascii_slug(family)}@{code.lower()}.example.org"
        application = (
            Application.objects.filter(
                applicant__email=email,
                status=S.CONFIRMED,
                cohort__status=CohortStatus.FINISHED,
            )
            .select_related("applicant")
            .order_by("-cohort__year")
            .first()
        )
        if application is None:
            continue
        _profile, created = AlumniProfile.objects.update_or_create(
            user=application.applicant,
            defaults={
                "listed": True,
                "school": application.school_name,
                "position": position,
                "about": about,
                "contact_email": email if with_contact else "",
            },
        )
        made += created
    return made


def earlier_plan() -> dict[str, list[str]]:
    """ASLP 2024's statuses by economy: the new people's, then the returning people's."""
    plan = {code: list(statuses) for code, statuses in EARLIER_PLAN.items()}
    for code, status, _later, _index in RETURNING:
        plan[code].append(status)
    return plan


@transaction.atomic
def load_programme(stdout) -> None:
    now = timezone.now()
    economies = {e.code: e for e in Economy.objects.all()}

    # People: every applicant of the three cohorts, then the staff. Accounts are made in the
    # order they were before 2024 was added (2026 and 2025 economy by economy), then 2024's.
    dealt = cohort_people()
    everyone = [
        person
        for code in dict.fromkeys([*CURRENT_PLAN, *PAST_PLAN])
        for slug in (CURRENT_SLUG, PAST_SLUG)
        for person in dealt[slug].get(code, [])
    ]
    everyone += [
        person
        for code, statuses in EARLIER_PLAN.items()
        for person in dealt[EARLIER_SLUG][code][: len(statuses)]
    ]
    staff_specs = [
        {
            "email": staff_email(local),
            "first_name": given,
            "last_name": family,
            "preferred_language": language,
            "time_zone": zone,
        }
        for local, given, family, language, zone in STAFF
    ]
    builder = PeopleBuilder(
        [spec["email"] for spec in staff_specs] + [p.email for p in everyone] + [APPLICANT_KO_EMAIL]
    )
    staff_by_email = builder.ensure(staff_specs)
    staff = {local: staff_by_email[staff_email(local)] for local, *_rest in STAFF}
    users = builder.ensure(
        [
            {
                "email": p.email,
                "first_name": p.given,
                "last_name": p.family,
                "preferred_language": p.language,
                "time_zone": p.zone,
            }
            for p in everyone
        ]
    )

    prog = programme()
    # Made in this order so that a fresh database numbers 2025 and 2026 as it did before 2024.
    past = finished_cohort(prog, PAST_SLUG)
    current = current_cohort(prog, now)
    earlier = finished_cohort(prog, EARLIER_SLUG)
    quotas(past, PAST_QUOTAS, economies)
    quotas(current, CURRENT_QUOTAS, economies)
    quotas(earlier, EARLIER_QUOTAS, economies)
    cohorts = {PAST_SLUG: past, CURRENT_SLUG: current, EARLIER_SLUG: earlier}
    # A 2024 participant from Korea coordinates Korea's applicants in 2026.
    alumnus = users[dealt[EARLIER_SLUG]["ROK"][0].email]
    role_grants(cohorts, staff, economies, alumnus)
    for cohort in cohorts.values():
        message_templates(cohort)
    criteria = {slug: rubric(cohort) for slug, cohort in cohorts.items()}
    current_questions = questions(current)

    def build(cohort: Cohort, plan: dict[str, list[str]], **options) -> int:
        return len(
            CohortBuilder(
                cohort,
                plan=_plan(plan, dealt[cohort.slug], f"plan-{cohort.year}"),
                users=users,
                staff=staff,
                economies=economies,
                criteria=criteria[cohort.slug],
                now=now,
                seed=f"applications-{cohort.year}",
                **options,
            ).build()
        )

    created = build(past, PAST_PLAN, qs=[], with_files=False)
    created += build(current, CURRENT_PLAN, qs=current_questions, with_files=True)
    created += build(earlier, earlier_plan(), qs=[], with_files=False)
    created += applicant_ko_draft(current, current_questions, economies["ROK"], builder)
    rank_candidates(current, ["ROK", "THA", "USA", "INA", "SGP"])
    rank_candidates(past, list(PAST_QUOTAS))
    rank_candidates(earlier, list(EARLIER_QUOTAS))
    nominations(current, staff["coordinator-rok"], economies["ROK"])
    for cohort in cohorts.values():
        recount_seats(cohort)
    alumni_profiles()

    # Economies whose people finished a cohort have taken part in the programme.
    took_part = Economy.objects.filter(
        applications__cohort__status=CohortStatus.FINISHED,
        applications__status=S.CONFIRMED,
        has_participated=False,
    ).distinct()
    for economy in took_part:
        economy.has_participated = True
        economy.save(update_fields=["has_participated"])

    summary = []
    for cohort in (earlier, past, current):
        apps = Application.objects.filter(cohort=cohort)
        summary.append(
            f"{cohort.title} ({cohort.get_status_display()}): {apps.count()} applications from "
            f"{apps.values('economy').distinct().count()} economies, "
            f"{apps.filter(status=S.CONFIRMED).count()} confirmed, "
            f"{cohort.accepted_count}/{cohort.total_seats} seats taken"
        )
    closes = timezone.localtime(current.closes_at, current.zone)
    stdout.write(
        "Programme: " + "; ".join(summary) + f". {current.title} closes "
        f"{closes:%Y-%m-%d %H:%M} {current.time_zone}. {created} applications and "
        f"{builder.created} people created; staff: {staff_email('organizer')}, "
        f"reviewer1-6@, coordinator-<economy>@ (e.g. {staff_email('coordinator-rok')}), "
        f"{staff_email('certificates')}.\n"
    )
