import pytest
from django.core import mail
from tests.cohorts import factories
from tests.cohorts.factories import MINIMAL_PDF
from django.core.files.uploadedfile import SimpleUploadedFile


@pytest.mark.django_db
def test_flow(client, django_capture_on_commit_callbacks):
    c = factories.cohort("c1")
    u = factories.user()
    r = client.get("/apply/c1/")
    assert r.status_code == 302, r
    client.force_login(u)
    r = client.get("/apply/c1/")
    print(r.content.decode()[:200])
    assert r.status_code == 200
    r = client.post(
        "/apply/c1/", {"action": "save", "family_name": "Kim", "years_experience": "abc"}
    )
    print(r.status_code)
    assert r.status_code == 200
    body = r.content.decode()
    assert "answers need attention" in body or "answer needs attention" in body
    data = {
        "action": "submit",
        "family_name": "Kim",
        "given_names": "Min-ji",
        "gender": "female",
        "position": "principal",
        "position_detail": "Principal",
        "school_name": "Busan School",
        "school_level": "primary",
        "years_experience": "12",
        "economy": str(factories.economy("ROK").pk),
        "preferred_language": "en",
        "time_zone": "Asia/Seoul",
        "phone": "+82 2 1234 5678",
        "motivation": "I want to learn.",
        "cv": SimpleUploadedFile("cv.pdf", MINIMAL_PDF, "application/pdf"),
        "endorsement_letter": SimpleUploadedFile("letter.pdf", MINIMAL_PDF, "application/pdf"),
    }
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/apply/c1/", data)
    print(r.status_code, r.get("Location"))
    if r.status_code == 200:
        print(r.content.decode())
    assert r.status_code == 302
    print(mail.outbox[0].subject)
    print(mail.outbox[0].body)
    r = client.get("/apply/c1/status/")
    assert r.status_code == 200
    r = client.get("/applications/")
    assert r.status_code == 200
    r = client.get("/cohorts/")
    assert r.status_code == 200
    r = client.get("/cohorts/c1/")
    assert r.status_code == 200
    r = client.get("/ko/cohorts/c1/")
    assert r.status_code == 200
    r = client.get("/apply/c1/withdraw/")
    assert r.status_code == 200
    r = client.post("/apply/c1/autosave/", {"family_name": "X"})
    print(r.status_code, r.json())
    r = client.post(
        "/apply/c1/upload/", {"slot": "cv", "file": SimpleUploadedFile("cv.pdf", MINIMAL_PDF)}
    )
    print(r.status_code, r.json())
    r = client.get(r.json()["url"])
    print(r.status_code, dict(r.headers))
