"""The public resource library: published resources listed in the visitor's language, searched
and filtered, one page each with its credit line and files; anything not published stays out of
the list, the pages, the site search, the sitemap and the file view; the public page cache
follows publishing and withdrawing; the list reads a constant number of queries."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale, Page, Site

from aslp_site.public.models import HomePage
from assessments import submissions
from assessments.library_pages import resource_path
from assessments.models import (
    Assignment,
    ConsentState,
    Resource,
    ResourceAuthor,
    ResourceKind,
    ResourceLibraryPage,
    ResourceLicence,
    ResourceStatus,
    ResourceTopic,
    ResourceTopicTranslation,
    ResourceTranslation,
)
from cohorts.models import CohortTranslation
from tests.cohorts.applying import private_dir_fixture  # noqa: F401 (fixture)
from tests.trainings import factories as f
from trainings.models import ActivityKind

pytestmark = pytest.mark.django_db

PDF = f.MINIMAL_PDF


# -- The site and the resources ---------------------------------------------------------------


def publish(page):
    page.save_revision().publish()
    return page


@pytest.fixture
def library():
    """A home page with the library at /resources/, in English and Korean (/ko/resources/)."""
    english = Locale.objects.get_or_create(language_code="en")[0]
    korean = Locale.objects.get_or_create(language_code="ko")[0]
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Home", slug="library-home", locale=english))
    publish(home)
    Site.objects.update_or_create(
        is_default_site=True, defaults={"root_page": home, "hostname": "localhost", "port": 80}
    )
    home_ko = home.copy_for_translation(korean)
    home_ko.title = "홈"
    publish(home_ko)
    page = home.add_child(
        instance=ResourceLibraryPage(title="Resources", slug="resources", intro="<p>Shared.</p>")
    )
    publish(page)
    page_ko = page.copy_for_translation(korean).specific
    page_ko.title = "자료실"
    publish(page_ko)
    return page


@pytest.fixture
def cohort():
    made = f.cohort("aslp-library", title="ASLP 2026")
    CohortTranslation.objects.create(cohort=made, language_code="ko", title="ASLP 2026 과정")
    return made


@pytest.fixture
def assignment(cohort):
    activity = f.activity(cohort, ActivityKind.ASSIGNMENT, title="Best practice")
    return Assignment.objects.create(
        activity=activity, can_be_published=True, accepts_files=True, max_files=3
    )


@pytest.fixture
def topics():
    made = {
        slug: ResourceTopic.objects.create(name=name, slug=slug, sort_order=index)
        for index, (slug, name) in enumerate(
            [("global", "Global competence"), ("digital", "Digital literacy")]
        )
    }
    ResourceTopicTranslation.objects.create(
        topic=made["digital"], language_code="ko", name="디지털 리터러시"
    )
    return made


_people = iter(range(1, 1000))


def make_resource(
    assignment,
    *,
    title="Morning reading circles",
    summary="Pupils read together for twenty minutes.",
    body="Every class starts with a reading circle.",
    status=ResourceStatus.PUBLISHED,
    credit_name=None,
    economy_code="ROK",
    language_code="en",
    school_level="primary",
    kind=ResourceKind.BEST_PRACTICE,
    topics=(),
    translation=None,
    files=0,
):
    """A resource made as ``assessments.library`` leaves it: prepared with its authors and
    translations, then saved with its status (which indexes it for search)."""
    n = next(_people)
    person = f.participant(assignment.activity.stage.cohort, f"author{n}@example.org")
    uploads = [
        SimpleUploadedFile(f"plan-{n}-{i}.pdf", PDF, content_type="application/pdf")
        for i in range(files)
    ]
    version = submissions.submit(person, assignment, text=body, uploads=uploads)
    resource = Resource.objects.create(
        submission=version.submission,
        version=version,
        title=title,
        summary=summary,
        body=body,
        economy=f.economy(economy_code) if economy_code else None,
        language_code=language_code,
        school_level=school_level,
        kind=kind,
        licence=ResourceLicence.CC_BY,
    )
    resource.files.set(version.files.all())
    resource.topics.set(topics)
    ResourceAuthor.objects.create(
        resource=resource,
        participant=person,
        credit_name=credit_name or f"Author {n}",
        consent=ConsentState.GIVEN,
    )
    if translation:
        ResourceTranslation.objects.create(resource=resource, **translation)
    if status != ResourceStatus.PREPARING:
        resource.status = status
        resource.published_at = timezone.now()
        resource.save()
    return resource


def titles(response) -> list[str]:
    return re.findall(
        r'class="library-card__title"><a href="[^"]+"[^>]*>([^<]+)</a>', text(response)
    )


def text(response) -> str:
    return response.content.decode()


# -- The list ---------------------------------------------------------------------------------


def test_a_published_resource_is_listed_in_english_and_korean(client, library, assignment):
    resource = make_resource(
        assignment,
        title="Morning reading circles",
        translation={"language_code": "ko", "title": "아침 독서 모임", "summary": "함께 읽기."},
    )
    make_resource(assignment, title="Drafted plan", status=ResourceStatus.PREPARING)
    make_resource(assignment, title="Withdrawn plan", status=ResourceStatus.WITHDRAWN)

    english = client.get("/resources/")
    assert english.status_code == 200
    assert titles(english) == ["Morning reading circles"]
    assert '<p class="library-count" role="status">1 resource</p>' in text(english)
    assert f'href="/resources/{resource.pk}/"' in text(english)

    korean = client.get("/ko/resources/")
    assert korean.status_code == 200
    assert titles(korean) == ["아침 독서 모임"]
    assert f'<a href="/ko/resources/{resource.pk}/">아침 독서 모임</a>' in text(korean)
    assert '<p class="library-card__summary">함께 읽기.</p>' in text(korean)


def test_without_a_korean_translation_the_written_title_is_marked_as_english(
    client, library, assignment
):
    resource = make_resource(assignment, title="Morning reading circles")
    korean = client.get("/ko/resources/")
    assert f'<a href="/ko/resources/{resource.pk}/" lang="en">Morning reading circles</a>' in text(
        korean
    )
    # A resource written in Korean, seen in English, keeps its title and says so.
    written = make_resource(assignment, title="학교 텃밭 가꾸기", language_code="ko")
    english = client.get("/resources/")
    assert f'<a href="/resources/{written.pk}/" lang="ko">학교 텃밭 가꾸기</a>' in text(english)


def test_filters_return_exactly_the_matching_resources(client, library, assignment, topics):
    a = make_resource(assignment, title="Alpha", topics=[topics["global"]], school_level="primary")
    b = make_resource(
        assignment,
        title="Bravo",
        topics=[topics["digital"]],
        school_level="upper_secondary",
        economy_code="THA",
        kind=ResourceKind.LEARNING_MATERIAL,
    )
    c = make_resource(
        assignment,
        title="Charlie",
        topics=[topics["global"], topics["digital"]],
        school_level="primary",
        economy_code="THA",
    )
    make_resource(assignment, title="Hidden", topics=[topics["global"]], status="preparing")
    assert {a.pk, b.pk, c.pk}

    def listed(query):
        return sorted(titles(client.get("/resources/" + query)))

    assert listed("") == ["Alpha", "Bravo", "Charlie"]
    assert listed("?topic=global") == ["Alpha", "Charlie"]
    assert listed("?topic=digital") == ["Bravo", "Charlie"]
    assert listed("?level=primary") == ["Alpha", "Charlie"]
    assert listed("?level=upper_secondary") == ["Bravo"]
    assert listed("?economy=THA") == ["Bravo", "Charlie"]
    assert listed("?economy=ROK") == ["Alpha"]
    assert listed("?kind=material") == ["Bravo"]
    assert listed("?kind=practice") == ["Alpha", "Charlie"]
    assert listed("?topic=global&economy=THA") == ["Charlie"]
    assert listed("?topic=digital&level=primary&kind=practice") == ["Charlie"]
    # Unknown values are ignored rather than matching nothing.
    assert listed("?topic=nope&level=<b>&economy=XXX") == ["Alpha", "Bravo", "Charlie"]


def test_the_filter_form_offers_labelled_choices_in_the_visitors_language(
    client, library, assignment, topics
):
    make_resource(assignment, economy_code="THA", topics=[topics["digital"]])
    page = text(client.get("/ko/resources/"))
    for field in ("library-q", "library-topic", "library-level", "library-economy", "library-kind"):
        assert f'<label for="{field}">' in page
    assert '<option value="digital">디지털 리터러시</option>' in page
    assert '<option value="global">Global competence</option>' in page  # no Korean name
    economies = re.search(r'<select id="library-economy".*?</select>', page, re.S).group(0)
    # Only the economies with published resources, named in Korean.
    assert re.findall(r'<option value="([A-Z]+)">', economies) == ["THA"]
    assert "태국" in economies


def test_an_empty_library_and_an_empty_search_say_so(client, library, assignment):
    assert "No resource has been published yet." in text(client.get("/resources/"))
    make_resource(assignment)
    response = text(client.get("/resources/?q=zebra"))
    assert "No resource matches your search and filters." in response
    assert '<p class="library-count" role="status">0 resources</p>' in response


def test_the_list_has_twelve_resources_a_page(client, library, assignment):
    for n in range(13):
        make_resource(assignment, title=f"Practice {n:02d}")
    first = client.get("/resources/")
    assert len(titles(first)) == 12
    assert titles(first)[0] == "Practice 12"  # newest first
    second = client.get("/resources/?page=2")
    assert titles(second) == ["Practice 00"]
    assert 'href="?page=2"' in text(first)
    filtered = text(client.get("/resources/?kind=practice"))
    assert 'href="?kind=practice&amp;page=2"' in filtered


# -- Search -----------------------------------------------------------------------------------


def test_search_finds_a_word_of_the_text_an_author_and_a_korean_word(client, library, assignment):
    garden = make_resource(
        assignment,
        title="School garden",
        body="Pupils grow vegetables and weigh the harvest every week.",
        credit_name="Somchai Prasert",
    )
    reading = make_resource(
        assignment,
        title="Reading circles",
        body="Classes read aloud together.",
        translation={
            "language_code": "ko",
            "title": "독서 모임",
            "summary": "학생들이 함께 책을 읽습니다.",
        },
    )
    make_resource(
        assignment, title="Unpublished harvest", body="harvest", status=ResourceStatus.PREPARING
    )
    assert titles(client.get("/resources/?q=harvest")) == ["School garden"]
    assert titles(client.get("/resources/?q=Prasert")) == ["School garden"]
    assert titles(client.get("/resources/?q=독서")) == ["Reading circles"]
    assert titles(client.get("/ko/resources/?q=독서")) == ["독서 모임"]
    assert titles(client.get('/resources/?q="vegetables')) == ["School garden"]
    assert garden.pk != reading.pk


def test_site_search_shows_published_resources_only(client, library, assignment):
    resource = make_resource(
        assignment, title="School garden", body="We weigh the harvest.", summary="Growing food."
    )
    make_resource(
        assignment, title="Secret harvest", body="harvest", status=ResourceStatus.PREPARING
    )
    make_resource(assignment, title="Old harvest", body="harvest", status=ResourceStatus.WITHDRAWN)
    response = client.get(reverse("search"), {"q": "harvest"})
    page = text(response)
    assert response.status_code == 200
    assert '<h2 id="search-resources-heading">Resources</h2>' in page
    assert f'<a href="/resources/{resource.pk}/">School garden</a>' in page
    assert "Growing food." in page
    assert "Secret harvest" not in page
    assert "Old harvest" not in page
    assert "1 resource of the library matches “harvest”." in page


# -- A resource's page ------------------------------------------------------------------------


def test_a_resource_page_shows_the_credit_files_and_facts(
    client, library, assignment, topics, private_dir
):
    resource = make_resource(
        assignment,
        title="School garden",
        summary="Growing food.",
        body="First line.\n\nSecond paragraph.",
        credit_name="Somchai Prasert",
        economy_code="THA",
        topics=[topics["digital"]],
        files=1,
        translation={"language_code": "ko", "title": "학교 텃밭", "summary": "먹거리 기르기."},
    )
    file = resource.files.get()
    response = client.get(f"/resources/{resource.pk}/")
    page = text(response)
    assert response.status_code == 200
    assert "<title>School garden · Resources · Home</title>" in page
    assert '<meta name="description" content="Growing food.">' in page
    assert '<h1 id="resource-title">School garden</h1>' in page
    assert "By Somchai Prasert (Thailand), participant of ASLP 2026" in page
    assert "<p>First line.</p>\n\n<p>Second paragraph.</p>" in page
    assert "Creative Commons Attribution 4.0 (CC BY 4.0)" in page
    assert "Primary / elementary" in page
    assert "Digital literacy" in page
    file_url = reverse(
        "assessments:library_file", kwargs={"resource": resource.pk, "file": file.pk}
    )
    assert f'<a href="{file_url}" download>{file.original_name}</a>' in page
    # No personal data beyond the credit name.
    author = resource.authors.get()
    assert author.participant.user.email not in page

    korean = text(client.get(f"/ko/resources/{resource.pk}/"))
    assert '<h1 id="resource-title">학교 텃밭</h1>' in korean
    assert "ASLP 2026 과정" in korean
    assert '<div lang="en"><p>First line.</p>' in korean  # the text stays as written


@pytest.mark.parametrize("status", [ResourceStatus.PREPARING, ResourceStatus.WITHDRAWN])
def test_a_resource_that_is_not_published_answers_404(client, library, assignment, status):
    resource = make_resource(assignment, status=status)
    assert client.get(f"/resources/{resource.pk}/").status_code == 404
    assert client.get(f"/ko/resources/{resource.pk}/").status_code == 404
    assert client.get("/resources/999999/").status_code == 404


def test_resource_path_follows_the_language_and_falls_back_to_english(library, assignment):
    resource = make_resource(assignment)
    assert resource_path(resource, "en") == f"/resources/{resource.pk}/"
    assert resource_path(resource, "ko") == f"/ko/resources/{resource.pk}/"
    Page.objects.filter(locale__language_code="ko").type(ResourceLibraryPage).unpublish()
    assert resource_path(resource, "ko") == f"/resources/{resource.pk}/"
    library.unpublish()
    assert resource_path(resource, "ko") == ""


# -- Files ------------------------------------------------------------------------------------


def test_the_file_view_serves_only_the_files_of_a_published_resource(
    client, library, assignment, private_dir
):
    resource = make_resource(assignment, files=1)
    file = resource.files.get()
    url = reverse("assessments:library_file", kwargs={"resource": resource.pk, "file": file.pk})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{file.original_name}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405

    # A file of the same submission that the resource does not publish.
    other = make_resource(assignment, files=2)
    kept, left_out = other.files.order_by("pk")
    other.files.remove(left_out)
    assert (
        client.get(
            reverse("assessments:library_file", kwargs={"resource": other.pk, "file": left_out.pk})
        ).status_code
        == 404
    )
    # Another resource's file under this resource's id.
    assert (
        client.get(
            reverse("assessments:library_file", kwargs={"resource": resource.pk, "file": kept.pk})
        ).status_code
        == 404
    )

    for status in (ResourceStatus.WITHDRAWN, ResourceStatus.PREPARING):
        resource.status = status
        resource.save()
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404


# -- Cache, queries, sitemap ------------------------------------------------------------------


def test_publishing_and_withdrawing_change_the_cached_page(client, library, assignment):
    resource = make_resource(assignment, title="School garden", status=ResourceStatus.PREPARING)
    first = client.get("/resources/")
    assert first["X-Public-Cache"] == "miss"
    assert client.get("/resources/")["X-Public-Cache"] == "hit"
    assert titles(first) == []

    resource.status = ResourceStatus.PUBLISHED
    resource.published_at = timezone.now()
    resource.save()
    published = client.get("/resources/")
    assert published["X-Public-Cache"] == "miss"
    assert titles(published) == ["School garden"]
    assert client.get("/resources/")["X-Public-Cache"] == "hit"

    ResourceTranslation.objects.create(
        resource=resource, language_code="ko", title="학교 텃밭", summary="먹거리."
    )
    assert titles(client.get("/ko/resources/")) == ["학교 텃밭"]

    resource.status = ResourceStatus.WITHDRAWN
    resource.save()
    assert titles(client.get("/resources/")) == []
    assert client.get(f"/resources/{resource.pk}/").status_code == 404


def _queries(client, path) -> int:
    """Queries of a first (uncached) view of ``path``."""
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_list_reads_a_constant_number_of_queries(client, library, assignment, topics):
    def add(count):
        for n in range(count):
            make_resource(
                assignment,
                title=f"Practice {n}",
                topics=[topics["global"], topics["digital"]],
                economy_code=("ROK", "THA", "USA")[n % 3],
                translation={"language_code": "ko", "title": f"사례 {n}", "summary": "요약."},
            )

    add(2)
    paths = ["/resources/", "/ko/resources/?topic=global&q=Practice", "/search/?q=Practice"]
    for path in paths:  # the first request of a process fills caches of its own
        _queries(client, path)
    small = {path: _queries(client, path) for path in paths}
    add(6)
    large = {path: _queries(client, path) for path in paths}
    assert large == small
    assert len(titles(client.get("/resources/"))) == 8


def test_the_sitemap_lists_published_resources(client, library, assignment):
    resource = make_resource(assignment)
    hidden = make_resource(assignment, status=ResourceStatus.PREPARING)
    sitemap = text(client.get("/sitemap.xml"))
    assert f"<loc>http://localhost/resources/{resource.pk}/</loc>" in sitemap
    assert f"/resources/{hidden.pk}/" not in sitemap


def test_the_file_urls_reserve_their_slug_and_leave_resources_to_the_library():
    from aslp_site.core.routes import classify, reserved_top_level_slugs

    reserved = reserved_top_level_slugs()
    assert "library-files" in reserved
    assert "resources" not in reserved
    rule = classify("library-files/<int:resource>/<int:file>/")
    assert rule.is_public
    assert rule.sample == "/library-files/{resource}/{subfile}/"


# -- Topics in the admin ----------------------------------------------------------------------


def test_organizers_manage_topics_with_translated_names_and_only_superusers_delete(client, cohort):
    organizer = f.organizer(cohort, "organizer@example.org")
    client.force_login(organizer)
    index = reverse("admin_resource_topics:index")
    assert client.get(index).status_code == 200
    response = client.post(
        reverse("admin_resource_topics:add"),
        {
            "name": "School climate",
            "slug": "climate",
            "sort_order": "3",
            "translations-TOTAL_FORMS": "1",
            "translations-INITIAL_FORMS": "0",
            "translations-MIN_NUM_FORMS": "0",
            "translations-MAX_NUM_FORMS": "1000",
            "translations-0-language_code": "ko",
            "translations-0-name": "학교 문화",
            "translations-0-id": "",
            "translations-0-ORDER": "1",
            "translations-0-DELETE": "",
        },
    )
    assert response.status_code == 302
    topic = ResourceTopic.objects.get(slug="climate")
    assert topic.translated("name", "ko") == "학교 문화"
    assert "학교 문화" in text(client.get(index))
    delete = reverse("admin_resource_topics:delete", args=[topic.pk])
    assert client.post(delete).status_code == 404  # not among what they may delete
    assert ResourceTopic.objects.filter(pk=topic.pk).exists()

    admin = f.user("root@example.org", is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.post(delete).status_code == 302
    assert not ResourceTopic.objects.filter(pk=topic.pk).exists()


def test_people_without_a_programme_role_do_not_see_topics(client):
    editor = f.user("editor@example.org")
    from django.contrib.auth.models import Group

    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    response = client.get(reverse("admin_resource_topics:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
