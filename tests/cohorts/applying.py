"""Helpers for the applicant tests: a complete application as posted, files, a private folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cohorts.models import ApplicationFile
from tests.cohorts import factories
from tests.cohorts.factories import MINIMAL_PDF

ESSAY = "Leading a rural school taught me that teachers grow when they learn together."


def complete_form(**overrides) -> dict:
    """Every answer of the standard form, as a browser posts it (files not included)."""
    data = {
        "family_name": "Kim",
        "given_names": "Min-ji",
        "native_name": "김민지",
        "gender": "female",
        "position": "principal",
        "position_detail": "Principal",
        "school_name": "Haeundae Elementary School",
        "school_level": "primary",
        "years_experience": "18",
        "economy": str(factories.economy("ROK").pk),
        "preferred_language": "en",
        "time_zone": "America/Bogota",
        "phone": "+82 (0)2-1234 5678",
        "motivation": ESSAY,
    }
    data.update(overrides)
    return data


def pdf(name: str = "cv.pdf", content: bytes = MINIMAL_PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "application/pdf")


def with_files(data: dict, cv_name: str = "cv.pdf", letter_name: str = "letter.pdf") -> dict:
    return {**data, "cv": pdf(cv_name), "endorsement_letter": pdf(letter_name)}


def files_on_disk(folder: Path) -> set[str]:
    return {str(p) for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(name="private_dir")
def private_dir_fixture(tmp_path, monkeypatch):
    """This test's own folder for private files (other test runs share the default one)."""
    storage = ApplicationFile._meta.get_field("file").storage
    folder = tmp_path / "private"
    folder.mkdir()
    monkeypatch.setitem(storage.__dict__, "base_location", str(folder))
    monkeypatch.setitem(storage.__dict__, "location", str(folder))
    return folder
