"""R8: hostile input against every form of the product (tests/security/forms_catalogue.py).

For each form the test fetches the page, reads the form's fields from the HTML and lets
hypothesis build requests where every field gets a plausible value, a hostile one (NUL bytes,
lone surrogates and invalid UTF-8 sent as raw bytes, 1 MB strings, text in number and date
fields, unknown choices, huge and negative ids), several values or none, plus extra fields named
after model columns (``status``, ``user``, ``is_staff``, ``serial``...). Every request must be
answered without a server error, must leave every protected column of every row as it was and
must not add rows to a table the form does not create into. Each example runs in its own
savepoint, rolled back afterwards, so examples never see each other's writes.

``HYPOTHESIS_PROFILE=fuzz`` (tests/conftest.py) runs 400 examples per form instead of 12.
"""

from __future__ import annotations

import functools
import inspect
import os
import secrets
import time
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from importlib import import_module
from urllib.parse import quote_from_bytes, urlsplit

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from hypothesis import event, given, settings
from hypothesis import strategies as st

from aslp_site.core.routes import classify, iter_routes
from tests.cohorts.factories import MINIMAL_PDF

from .forms_catalogue import (
    CATALOGUE,
    NO_PAGE,
    NOT_FORM_TREES,
    NOT_FORMS,
    PROTECTED,
    WATCHED_APPS,
    WATCHED_EXTRA,
    FormEntry,
)
from .samples import fill_sample

OWN_APPS = ("aslp_site", "cohorts", "trainings", "assessments")

# -- Reading forms from a page ----------------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # text, email, number, date, select, checkbox, radio, file, textarea, submit...
    values: list[str] = field(default_factory=list)  # as rendered (checked, selected)
    options: list[str] = field(default_factory=list)  # select, radio, checkbox, submit values


@dataclass
class Form:
    method: str
    action: str
    multipart: bool
    fields: dict[str, Field] = field(default_factory=dict)

    def add(self, name: str, kind: str, value: str | None, chosen: bool) -> None:
        known = self.fields.setdefault(name, Field(name, kind))
        if value is not None and kind in ("select", "radio", "checkbox", "submit"):
            known.options.append(value)
        if value is not None and chosen:
            known.values.append(value)


class FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {key: (value if value is not None else "") for key, value in attrs}
        if tag == "form":
            self._form = Form(
                method=(a.get("method") or "get").lower(),
                action=a.get("action", ""),
                multipart="multipart" in a.get("enctype", ""),
            )
            self.forms.append(self._form)
            return
        if tag == "option" and self._form is not None and self._select is not None:
            self._form.add(self._select, "select", a.get("value", ""), "selected" in a)
            return
        if self._form is None or not a.get("name"):
            return
        name = a["name"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                self._form.add(name, kind, a.get("value", "on"), "checked" in a)
            elif kind in ("submit", "image"):
                self._form.add(name, "submit", a.get("value", ""), False)
            elif kind not in ("reset", "button"):
                self._form.add(name, kind, a.get("value", ""), True)
        elif tag == "button" and (a.get("type") or "submit").lower() == "submit":
            self._form.add(name, "submit", a.get("value", ""), False)
        elif tag == "select":
            self._select = name
            self._form.add(name, "select", None, False)
        elif tag == "textarea":
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.add(self._textarea, "textarea", "".join(self._text).strip("\n"), True)
            self._textarea = None


def forms_on(html: str, method: str, action_path: str, page_path: str) -> list[Form]:
    """The forms of ``html`` with this method whose action is ``action_path``."""
    parser = FormParser()
    parser.feed(html)
    found = []
    for form in parser.forms:
        target = urlsplit(form.action).path or page_path
        if form.method == method.lower() and target.rstrip("/") == action_path.rstrip("/"):
            found.append(form)
    return found


# -- Hostile values ------------------------------------------------------------------------------

MEGABYTE = 1_000_000
HOSTILE: list[bytes] = [
    b"\x00",
    b"before\x00after",
    b"\xed\xa0\x80",  # a lone high surrogate, as UTF-8 would spell it
    b"x\xed\xb2\x80y",  # a lone low surrogate
    b"\xff\xfe\xfd",  # not UTF-8 at all
    b"\xc0\xaf",  # an overlong "/"
    b"A" * MEGABYTE,
    "가".encode() * (MEGABYTE // 9),  # 1 MB once percent-encoded
    b"",
    b" ",
    b"abc",  # text where a number, date or choice is expected
    b"-1",
    b"0",
    b"999999999999999999999999999999",
    b"9223372036854775808",
    b"1e400",
    b"NaN",
    b"-Infinity",
    b"1.5",
    b"2026-02-30",
    b"0000-00-00",
    b"9999-12-31T23:59:59",
    b"not-a-choice",
    b"<script>alert(1)</script>",
    b"' OR 1=1 --",
    b"{{ 7|add:7 }}{% debug %}",
    b"%s%n%x",
    b"../../../../etc/passwd",
    b'=HYPERLINK("http://evil.example")',
    "\u202egnp.exe".encode(),
    "e\u0301\u0301\u0301 \U0001f600".encode(),
    b"\r\nSet-Cookie: x=1",
]
# Extra fields named after model columns: a form must not let them through.
EXTRA_NAMES = [
    "status",
    "user",
    "user_id",
    "applicant",
    "applicant_id",
    "owner",
    "is_staff",
    "is_superuser",
    "is_active",
    "score",
    "weighted_score",
    "cohort",
    "cohort_id",
    "economy",
    "economy_id",
    "serial",
    "code",
    "id",
    "pk",
    "reference",
    "participant",
    "reviewer",
    "role",
    "accepted_count",
    "seats",
    "endorsement",
    "consent",
    "published_by",
    "email",
    "password",
    "verified",
    "primary",
    "group",
    "submitted_at",
]
PLAUSIBLE_EXTRA = [
    b"1",
    b"2",
    b"3",
    b"true",
    b"on",
    b"confirmed",
    b"accepted",
    b"published",
    b"revoked",
    b"endorsed",
    b"ROK",
    b"THA",
    b"5",
    b"root@example.org",
]
PLAUSIBLE_BY_KIND = {
    "email": b"someone@example.org",
    "number": b"3",
    "range": b"3",
    "date": b"2026-09-01",
    "datetime-local": b"2026-09-01T10:00",
    "time": b"10:00",
    "url": b"https://example.org/",
    "tel": b"+82 10 1234 5678",
    "password": b"Another-Sturdy-Passphrase-77",
}

hostile_bytes = st.one_of(
    st.sampled_from(HOSTILE),
    # Any code point, surrogates included, spelled as (invalid) UTF-8 where need be.
    st.text(st.characters(exclude_categories=()), max_size=40).map(
        lambda text: text.encode("utf-8", "surrogatepass")
    ),
    st.binary(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(lambda n: str(n).encode()),
)
hostile_file_names = st.one_of(
    st.sampled_from(
        [
            b"cv.pdf",
            b"cv.pdf.exe",
            b"../../cv.pdf",
            b"a\x00.pdf",
            b"\xed\xa0\x80.pdf",
            b"x" * 300 + b".pdf",
            b"",
            b'"quoted".pdf',
        ]
    ),
    hostile_bytes,
)
file_contents = st.sampled_from([MINIMAL_PDF, b"", b"MZ\x90\x00 not a pdf", b"%PDF-" + b"A" * 5000])


def plausible(fld: Field) -> bytes:
    """A value the form could accept: the rendered one, the first option, a typical one."""
    if any(fld.values):
        return next(value for value in fld.values if value).encode()
    options = [option for option in fld.options if option]
    if options:
        return options[0].encode()
    return PLAUSIBLE_BY_KIND.get(fld.kind, b"A plain answer.")


# A part of a request body: (name, value) or (name, (file name, content)) for a file.
Part = tuple[bytes, bytes | tuple[bytes, bytes]]


def draw_parts(data, form: Form, extra_fields: tuple[str, ...]) -> list[Part]:
    parts: list[Part] = []
    fields = dict(form.fields)
    for name in extra_fields:
        fields.setdefault(name, Field(name, "file" if name == "file" else "text"))
    buttons = [fld for fld in fields.values() if fld.kind == "submit"]
    for fld in fields.values():
        if fld.kind == "submit":
            continue
        name = fld.name.encode()
        how = data.draw(st.sampled_from(["plausible", "hostile", "omit", "several"]), fld.name)
        if fld.kind == "file":
            if how == "omit":
                continue
            file_name = b"cv.pdf" if how == "plausible" else data.draw(hostile_file_names)
            content = MINIMAL_PDF if how == "plausible" else data.draw(file_contents)
            parts.append((name, (file_name, content)))
            continue
        if how == "plausible":
            values = [plausible(fld)] + [v.encode() for v in fld.values[1:] if v]
        elif how == "hostile":
            values = [data.draw(hostile_bytes)]
        elif how == "several":
            values = data.draw(
                st.lists(st.one_of(st.just(plausible(fld)), hostile_bytes), min_size=2, max_size=3)
            )
        else:
            values = []
        parts += [(name, value) for value in values]
    if buttons:
        button = data.draw(st.sampled_from([None, *buttons]), "button")
        if button is not None:
            options = button.options or [""]
            parts.append((button.name.encode(), data.draw(st.sampled_from(options)).encode()))
    extras = data.draw(
        st.lists(
            st.tuples(
                st.sampled_from(EXTRA_NAMES).map(str.encode),
                st.one_of(st.sampled_from(PLAUSIBLE_EXTRA), hostile_bytes),
            ),
            max_size=4,
        ),
        "extra fields",
    )
    return parts + extras


@functools.lru_cache(maxsize=256)
def _quoted(value: bytes) -> str:
    return quote_from_bytes(value)


def urlencoded(parts: list[Part]) -> bytes:
    pairs = []
    for name, value in parts:
        if isinstance(value, tuple):
            value = value[0]
        pairs.append(_quoted(name) + "=" + _quoted(value))
    return "&".join(pairs).encode("ascii")


def multipart(parts: list[Part]) -> tuple[bytes, str]:
    boundary = b"hostile-" + secrets.token_hex(16).encode()
    chunks = []
    for name, value in parts:
        chunks.append(b"--" + boundary + b"\r\n")
        if isinstance(value, tuple):
            file_name, content = value
            chunks.append(
                b'Content-Disposition: form-data; name="' + name + b'"; filename="' + file_name
            )
            chunks.append(b'"\r\nContent-Type: application/pdf\r\n\r\n' + content + b"\r\n")
        else:
            chunks.append(b'Content-Disposition: form-data; name="' + name + b'"\r\n\r\n')
            chunks.append(value + b"\r\n")
    chunks.append(b"--" + boundary + b"--\r\n")
    return b"".join(chunks), "multipart/form-data; boundary=" + boundary.decode()


# -- Watching the database -----------------------------------------------------------------------


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def watched_models():
    models = [m for m in apps.get_models() if m._meta.app_label in WATCHED_APPS]
    models += [apps.get_model(label) for label in WATCHED_EXTRA]
    return [m for m in models if not m._meta.proxy and m._meta.managed]


def counts_sql() -> str:
    return " UNION ALL ".join(
        f"SELECT '{m._meta.label}', COUNT(*) FROM {_q(m._meta.db_table)}"  # noqa: S608
        for m in watched_models()
    )


def snapshot_sql(entry: FormEntry) -> str:
    """One query reading every protected column of every row: label, pk, the values joined."""
    selects = []
    for label, names in PROTECTED.items():
        model = apps.get_model(label)
        columns = [
            model._meta.get_field(name).column
            for name in names
            if (label, name) not in entry.may_change
        ]
        values = " || '|' || ".join(
            f"COALESCE(CAST({_q(column)} AS TEXT), '~')" for column in columns
        )
        pk = _q(model._meta.pk.column)
        values = values or "''"
        selects.append(
            # Names from the models' metadata, not from requests.
            f"SELECT '{label}', CAST({pk} AS TEXT), {values} FROM {_q(model._meta.db_table)}"  # noqa: S608
        )
    return " UNION ALL ".join(selects)


def read(sql: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    if rows and len(rows[0]) == 3:
        return {(label, pk): values for label, pk, values in rows}
    return dict(rows)


def problems_in(entry: FormEntry, before: dict, after: dict, counts0: dict, counts1: dict):
    problems = []
    for key, values in before.items():
        label, pk = key
        if key not in after:
            if label not in entry.deletes:
                problems.append(f"{label} #{pk} deleted")
        elif after[key] != values:
            problems.append(f"{label} #{pk} protected columns {values!r} -> {after[key]!r}")
    for label, count in counts1.items():
        if count > counts0.get(label, 0) and label not in entry.creates:
            problems.append(f"{label}: {count - counts0.get(label, 0)} row(s) created")
    return problems


# -- Running one form ------------------------------------------------------------------------------


def path_of(entry: FormEntry, personas) -> str:
    rule = classify(entry.route)  # an exact entry, or the prefix rule of an admin tree
    if not entry.path and rule.make_sample is not None:
        return rule.make_sample(personas)
    template = entry.path or rule.sample
    assert template, f"{entry.label}: no path in the catalogue and no sample in the registry"
    return fill_sample(template, personas)


def signed_in_client(user) -> Client:
    """A client signed in as ``user``, who has just typed their password (allauth asks for it
    again before sensitive changes)."""
    client = Client(raise_request_exception=True)
    if user is not None:
        client.force_login(user)
        session = client.session
        session["account_authentication_methods"] = [
            {"method": "password", "at": time.time(), "reauthenticated": True}
        ]
        session["account_authentication_methods_user"] = str(user.pk)
        session.save()
    return client


def session_of(user) -> dict | None:
    """The session data of ``user`` signed in as by :func:`signed_in_client`."""
    if user is None:
        return None
    return dict(signed_in_client(user).session.items())


def client_with(session: dict | None) -> Client:
    """A client with a new session holding ``session``: cheaper than signing in each time."""
    client = Client(raise_request_exception=True)
    if session is not None:
        store = import_module(django_settings.SESSION_ENGINE).SessionStore()
        store.update(session)
        store.save()
        client.cookies[django_settings.SESSION_COOKIE_NAME] = store.session_key
    return client


def send(client: Client, entry: FormEntry, path: str, parts: list[Part], multipart_body: bool):
    if entry.method == "GET":
        query = urlencoded(parts).decode("ascii")
        return client.generic("GET", f"{path}?{query}" if query else path)
    if multipart_body:
        body, content_type = multipart(parts)
    else:
        body, content_type = urlencoded(parts), "application/x-www-form-urlencoded"
    return client.generic("POST", path, body, content_type=content_type)


def fuzz(entry: FormEntry, personas) -> None:
    if entry.prepare is not None:
        entry.prepare(personas)
    path = path_of(entry, personas)
    page = fill_sample(entry.page, personas) if entry.page not in ("", NO_PAGE) else path
    action = fill_sample(entry.form_action, personas) if entry.form_action else path
    user = personas[entry.role]
    if entry.page == NO_PAGE:
        # Only the declared fields (and the extra ones).
        forms = [Form(entry.method.lower(), path, entry.multipart)]
    else:
        response = signed_in_client(user).get(page)
        status = response.status_code
        assert status == 200, f"{entry.label}: GET {page} answered {status}"
        forms = forms_on(response.content.decode(), entry.method, action, page)
        assert forms, f"{entry.label}: no {entry.method} form for {action} on {page}"
    sql_snapshot, sql_counts = snapshot_sql(entry), counts_sql()
    seen: Counter[str] = Counter()
    session = session_of(user)
    # Every example starts from this state (each one is rolled back): read it once.
    before, counts0 = read(sql_snapshot), read(sql_counts)

    @settings(settings.default)
    @given(data=st.data())
    def example(data):
        form = data.draw(st.sampled_from(forms), "form")
        parts = draw_parts(data, form, entry.fields)
        as_multipart = form.multipart or entry.multipart
        with transaction.atomic():
            try:
                cache.clear()  # rate limits would answer 429 from the fifth example on
                client = client_with(session)
                try:
                    answer = send(client, entry, path, parts, as_multipart)
                except Exception as exc:
                    raise AssertionError(
                        f"{entry.label}: {entry.method} {path} raised {exc!r} (a 500)"
                    ) from exc
                assert answer.status_code < 500, f"{entry.label}: {answer.status_code}"
                after, counts1 = read(sql_snapshot), read(sql_counts)
            finally:
                transaction.set_rollback(True)
        event(f"answered {answer.status_code}")
        wrote = counts1 != counts0 or after != before
        event("wrote rows" if wrote else "wrote no rows")
        seen[f"{answer.status_code}{' wrote' if wrote else ''}"] += 1
        problems = problems_in(entry, before, after, counts0, counts1)
        assert not problems, f"{entry.label}: {entry.method} {path} (answered " + (
            f"{answer.status_code}) wrote outside the form:\n  " + "\n  ".join(problems)
        )

    example()
    if os.environ.get("FUZZ_STATS"):  # how the examples were answered (pytest -s)
        print(f"\n{entry.label}: {dict(sorted(seen.items()))}")  # noqa: T201


@pytest.mark.django_db
@pytest.mark.usefixtures("no_staff_mfa")
@pytest.mark.parametrize("entry", CATALOGUE, ids=[e.label for e in CATALOGUE])
def test_hostile_input(entry, personas):
    fuzz(entry, personas)


# -- The catalogue covers every form ---------------------------------------------------------------


def accepts_post(route) -> bool:
    view_class = getattr(route.callback, "view_class", None)
    if view_class is not None:
        return hasattr(view_class, "post") and "post" in view_class.http_method_names
    try:
        source = inspect.getsource(inspect.unwrap(route.callback))
    except (OSError, TypeError):
        return True  # unknown: list it
    return "POST" in source


def is_own(route) -> bool:
    view = getattr(route.callback, "view_class", route.callback)
    return view.__module__.split(".")[0] in OWN_APPS


def uncovered_post_routes(catalogue: tuple[FormEntry, ...] = CATALOGUE) -> list[str]:
    catalogued = {e.route for e in catalogue if e.method == "POST"}
    missing = []
    for route in iter_routes():
        if route.pattern in catalogued or route.pattern in NOT_FORMS or not accepts_post(route):
            continue
        trees = [p for p in NOT_FORM_TREES if route.pattern.startswith(p)]
        tree = max(trees, key=len) if trees else None
        # The admin trees excuse third-party views; the project's own views under them need an
        # entry (or a reason in NOT_FORMS).
        if tree is not None and (not is_own(route) or tree not in ("admin/", "django-admin/")):
            continue
        missing.append(route.pattern)
    return missing


def test_every_post_route_is_catalogued_or_excluded_with_a_reason():
    missing = uncovered_post_routes()
    assert not missing, (
        "POST routes neither in tests/security/forms_catalogue.py CATALOGUE nor in NOT_FORMS "
        "(with the reason):\n  " + "\n  ".join(missing)
    )


def test_a_post_route_left_out_of_the_catalogue_is_reported():
    signup = next(e for e in CATALOGUE if e.route == "accounts/signup/")
    assert uncovered_post_routes(tuple(e for e in CATALOGUE if e is not signup)) == [
        "accounts/signup/"
    ]


def test_catalogue_and_exclusions_name_real_routes():
    patterns = {route.pattern for route in iter_routes()}
    stale = [e.route for e in CATALOGUE if e.route not in patterns]
    stale += [key for key in NOT_FORMS if key not in patterns]
    assert not stale, stale
    assert all(reason.strip() for reason in [*NOT_FORMS.values(), *NOT_FORM_TREES.values()])


def test_the_form_reader_finds_fields_buttons_and_choices():
    html = """
      <form method="post" action="/x/" enctype="multipart/form-data">
        <input name="title" value="Hello"><input type="number" name="n">
        <select name="pick"><option value="">-</option>
          <option value="b" selected>B</option></select>
        <input type="checkbox" name="tick" value="1" checked><input type="file" name="cv">
        <textarea name="body">
Text</textarea><button name="action" value="submit">Go</button>
      </form>
      <form method="post" action="/accounts/logout/"><button>Sign out</button></form>
    """
    (form,) = forms_on(html, "POST", "/x/", "/x/")
    assert form.multipart
    assert {n: (f.kind, f.values, f.options) for n, f in form.fields.items()} == {
        "title": ("text", ["Hello"], []),
        "n": ("number", [""], []),
        "pick": ("select", ["b"], ["", "b"]),
        "tick": ("checkbox", ["1"], ["1"]),
        "cv": ("file", [""], []),
        "body": ("textarea", ["Text"], []),
        "action": ("submit", [], ["submit"]),
    }


def test_bodies_carry_raw_bytes():
    parts: list[Part] = [(b"a", b"\x00\xed\xa0\x80"), (b"f", (b"x\x00.pdf", b"%PDF"))]
    assert urlencoded(parts) == b"a=%00%ED%A0%80&f=x%00.pdf"
    body, content_type = multipart(parts)
    assert content_type.startswith("multipart/form-data; boundary=hostile-")
    assert b'name="a"\r\n\r\n\x00\xed\xa0\x80\r\n' in body
    assert b'filename="x\x00.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n' in body


@pytest.mark.django_db
def test_the_watch_sees_protected_writes_new_rows_and_deletions(personas):
    """The checks of every example can fail: a status change, a new row, a deleted row."""
    from cohorts.models import Application, ApplicationStatus, ConflictOfInterest

    from .samples import sample_application

    application, reviewer = sample_application(personas), personas["reviewer"]
    entry = CATALOGUE[0]  # sign-up: may create users and addresses, nothing else
    sql_snapshot, sql_counts = snapshot_sql(entry), counts_sql()
    before, counts0 = read(sql_snapshot), read(sql_counts)
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.CONFIRMED)
    ConflictOfInterest.objects.create(reviewer=reviewer, application=application, reason="x")
    personas["applicant_a"].emailaddress_set.all().delete()
    problems = problems_in(entry, before, read(sql_snapshot), counts0, read(sql_counts))
    kinds = sorted(problem.split(" ", 1)[0] for problem in problems)
    assert kinds == ["account.EmailAddress", "cohorts.Application", "cohorts.ConflictOfInterest:"]
    assert any("submitted" in p and "confirmed" in p for p in problems), problems


# -- Server errors the fuzzing found, fixed; these keep them fixed ------------------------------


@pytest.mark.django_db
def test_a_survey_draft_with_nul_bytes_is_saved_without_them(personas):
    """PostgreSQL cannot store U+0000 in JSON: saving a draft with one answered 500."""
    from assessments.models import QuestionKind, SurveyDraft, SurveyQuestion

    from .forms_catalogue import _survey_with_questions
    from .samples import assessments_world

    _survey_with_questions(personas)
    survey = assessments_world(personas)["survey"]
    text = SurveyQuestion.objects.get(section__survey=survey, kind=QuestionKind.SHORT_TEXT)
    several = SurveyQuestion.objects.get(section__survey=survey, kind=QuestionKind.MULTIPLE)
    client = signed_in_client(personas["participant"])
    response = client.post(
        f"/my-programme/cohort-x/surveys/{survey}/",
        {f"q{text.pk}": "Half\x00way", f"q{several.pk}": ["red", "\x00"], "action": "save"},
    )
    assert response.status_code == 302
    draft = SurveyDraft.objects.get(survey=survey)
    assert draft.data[f"q{text.pk}"] == "Halfway"
    assert draft.data[f"q{several.pk}"] == ["red"]
