"""Every interface string has a Korean translation that is neither missing nor fuzzy.

The check extracts the messages from the current source (in a copy of the project, so the real
catalogue is untouched), merges them into a copy of locale/ko and fails on any message that the
Korean catalogue does not translate. So a new string in code or a template without a Korean
translation fails the suite, as does a fuzzy or empty entry.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ["aslp_site", "cohorts", "trainings", "assessments", "templates", "static", "locale"]
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo")


def untranslated(po_path: Path) -> list[str]:
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        values = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        elif not all(values):
            problems.append(f"missing: {message.id!r}")
    return problems


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is not installed")
def test_every_interface_string_has_a_korean_translation(tmp_path):
    for name in SOURCE_DIRS:
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, tmp_path / name, ignore=SKIP)
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    for domain in ("django", "djangojs"):
        if not (ROOT / "locale/ko/LC_MESSAGES" / f"{domain}.po").exists():
            continue
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "makemessages",
                "-l",
                "ko",
                "-d",
                domain,
                "--no-obsolete",
            ],
            cwd=tmp_path,
            check=True,
            capture_output=True,
        )
        problems = untranslated(tmp_path / "locale/ko/LC_MESSAGES" / f"{domain}.po")
        assert problems == [], (
            f"locale/ko {domain}.po needs work (run `make messages`):\n" + "\n".join(problems)
        )


def test_the_checker_notices_a_missing_translation(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Apply"\nmsgstr "지원하기"\n\n'
        'msgid "Deadline"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Cohort"\nmsgstr "기수"\n',
        encoding="utf-8",
    )
    assert untranslated(po) == ["missing: 'Deadline'", "fuzzy: 'Cohort'"]
