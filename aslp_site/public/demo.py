"""Build the demo public site in English and Korean. Safe to run again.

Pages, images and partners are created when missing and left alone when present, so that
running ``load_demo`` twice gives the same site and never overwrites what an editor changed.
Images are drawn here with Pillow: nothing is downloaded.
"""

from __future__ import annotations

import datetime
import io
import json
import math
import random
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PillowImage
from PIL import ImageDraw, ImageFont
from wagtail.models import Collection, Locale, Page, Site

from assessments.models import ResourceLibraryPage

from . import demo_content as content
from .models import (
    ContentPage,
    EconomiesPage,
    HomePage,
    NewsArticlePage,
    NewsIndexPage,
    Partner,
    PartnersPage,
    ProgrammeStagesPage,
    SiteSettings,
)

PALETTES = {
    "hero": ("#0b3d6b", "#1f7a8c", "#f2c14e"),
    "workshop": ("#254d32", "#3a7d44", "#f6f4d2"),
    "call": ("#5b2a86", "#9a48d0", "#ffd166"),
    "dissemination": ("#8c2f39", "#e26d5c", "#fbe8a6"),
    "kickoff": ("#1d3557", "#457b9d", "#f1faee"),
    "lecture": ("#3d405b", "#81b29a", "#f2cc8f"),
    "alumni": ("#264653", "#2a9d8f", "#e9c46a"),
    "pilot": ("#6d597a", "#b56576", "#eaac8b"),
}
LOGO_COLOURS = {
    "logo": "#0b3d6b",
    "moe": "#003f88",
    "institute": "#1f7a8c",
    "hrdwg": "#2a9d8f",
    "oecd": "#3d405b",
}
LOGO_LABELS = {
    "logo": "ASLP",
    "moe": "MOE",
    "institute": "IACE",
    "hrdwg": "HRDWG",
    "oecd": "OECD",
}


def _png(image: PillowImage.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _hex(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def draw_scene(name: str, size=(1600, 900)) -> bytes:
    """An abstract picture: a gradient sky, rolling hills and circles standing for people."""
    dark, mid, light = (_hex(c) for c in PALETTES[name])
    width, height = size
    image = PillowImage.new("RGB", size, dark)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        colour = tuple(int(dark[i] + (mid[i] - dark[i]) * t) for i in range(3))
        draw.line([(0, y), (width, y)], fill=colour)
    rng = random.Random(name)  # the same picture on every run
    for layer in range(3):
        base = height * (0.55 + 0.12 * layer)
        amplitude = 40 + 20 * layer
        phase = rng.random() * math.tau
        points = [
            (x, base + amplitude * math.sin(phase + x / (180 + 60 * layer)))
            for x in range(0, width + 20, 20)
        ]
        shade = tuple(int(light[i] * (0.35 + 0.2 * layer)) for i in range(3))
        draw.polygon(points + [(width, height), (0, height)], fill=shade)
    for _ in range(9):
        x = rng.randint(80, width - 80)
        y = rng.randint(int(height * 0.55), int(height * 0.85))
        radius = rng.randint(18, 34)
        draw.ellipse([x - radius, y - 2 * radius, x + radius, y], fill=light)
        draw.rounded_rectangle(
            [x - radius * 1.4, y + 4, x + radius * 1.4, y + radius * 3], radius=radius, fill=light
        )
    sun = (int(width * 0.8), int(height * 0.22))
    draw.ellipse([sun[0] - 70, sun[1] - 70, sun[0] + 70, sun[1] + 70], fill=light)
    return _png(image)


def draw_logo(name: str) -> bytes:
    """A round emblem with letters, standing in for an organization's logo."""
    colour = _hex(LOGO_COLOURS[name])
    image = PillowImage.new("RGBA", (480, 200), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse([10, 10, 190, 190], fill=colour)
    for ring in range(3):
        inset = 40 + ring * 22
        draw.arc([inset, inset, 200 - inset, 200 - inset], 200, 340, fill="white", width=8)
    font = ImageFont.load_default(size=64)
    draw.text((215, 62), LOGO_LABELS[name], fill=colour, font=font)
    return _png(image)


def demo_collection() -> Collection:
    existing = Collection.objects.filter(name="Demo").first()
    if existing:
        return existing
    return Collection.get_first_root_node().add_child(name="Demo")


def demo_image(name: str, title: str):
    from wagtail.images import get_image_model

    Image = get_image_model()
    image = Image.objects.filter(title=title, collection__name="Demo").first()
    if image:
        return image
    data = draw_logo(name) if name in LOGO_COLOURS else draw_scene(name)
    image = Image(title=title, collection=demo_collection())
    image.file = ImageFile(io.BytesIO(data), name=f"demo-{name}.png")
    image.save()
    return image


def ensure_locales() -> dict[str, Locale]:
    return {code: Locale.objects.get_or_create(language_code=code)[0] for code in ("en", "ko")}


def stream(items, images: dict, pages: dict) -> str:
    """Raw StreamField JSON from (type, value) pairs, resolving demo image and page names."""
    blocks = []
    for block_type, value in items:
        if block_type == "image":
            value = {
                "image": {
                    "image": images[value["image"]].pk,
                    "alt_text": value["alt_text"],
                    "decorative": False,
                },
                "caption": value["caption"],
                "credit": value["credit"],
            }
        elif block_type == "call_to_action":
            value = {**value, "page": pages[value["page"]].pk if value["page"] else None}
        blocks.append({"type": block_type, "value": value, "id": str(uuid.uuid4())})
    return json.dumps(blocks)


def stages_stream(stages) -> str:
    return json.dumps(
        [{"type": "stage", "value": stage, "id": str(uuid.uuid4())} for stage in stages]
    )


def publish(page: Page) -> Page:
    page.save_revision().publish()
    return page


def add_english(parent: Page, page: Page) -> Page:
    existing = parent.get_children().filter(slug=page.slug).first()
    if existing:
        return existing.specific
    parent.add_child(instance=page)
    return publish(page)


def add_korean(page: Page, locale: Locale, **fields) -> Page:
    """The Korean translation of ``page`` with the given fields, created once."""
    translated = page.get_translation_or_none(locale)
    if translated is not None:
        return translated.specific
    translated = page.copy_for_translation(locale).specific
    for name, value in fields.items():
        setattr(translated, name, value)
    translated.save()
    return publish(translated)


# The live figures on the home page (``blocks.py``): only headings are written; the figures come
# from the programme's data. Added once, to a home page whose body is still empty.
# The home page shows the open call in its own section: the "open call" block (with its
# countdown) is for other pages, so it is not repeated here.
HOME_LIVE_BLOCKS = {
    "en": [
        ("impact_figures", {"heading": "The programme in numbers"}),
        ("cohorts_by_year", {"heading": "Cohorts by year"}),
        ("economy_counts", {"heading": "Where our participants come from"}),
        ("latest_resources", {"heading": "Latest from the resource library", "count": 3}),
    ],
    "ko": [
        ("impact_figures", {"heading": "숫자로 보는 프로그램"}),
        ("cohorts_by_year", {"heading": "연도별 기수"}),
        ("economy_counts", {"heading": "참가자들의 경제체"}),
        ("latest_resources", {"heading": "자료실의 새 자료", "count": 3}),
    ],
}


def add_live_blocks(page: HomePage, language: str) -> None:
    """Give the home page its live figures once; a body an editor has filled is left alone."""
    if page.body:
        return
    page.body = stream(HOME_LIVE_BLOCKS[language], {}, {})
    publish(page)


def build_home(locales, images) -> tuple[HomePage, HomePage]:
    root = Page.get_first_root_node()
    en = content.HOME["en"]
    home = HomePage.objects.filter(locale=locales["en"], depth=2).first()
    if home is None:
        home = HomePage(
            title=en["title"],
            slug="home",
            search_description=en["search_description"],
            intro=en["intro"],
            hero_image=images["hero"],
            call_heading=en["call_heading"],
            call_text=en["call_text"],
        )
        # A fresh install's "Welcome to Wagtail" page (a plain Page) gives way to the site.
        for welcome in root.get_children().filter(slug="home"):
            if welcome.specific_class is Page:
                welcome.delete()
        root.add_child(instance=home)
        publish(home)
        # Full URLs (canonical, sitemap, feed) name the address the demo is served on.
        base_url = urlsplit(settings.WAGTAILADMIN_BASE_URL)
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={
                "root_page": home,
                "hostname": base_url.hostname or "localhost",
                "port": base_url.port or (443 if base_url.scheme == "https" else 80),
                "site_name": en["title"],
            },
        )
    ko = content.HOME["ko"]
    home_ko = add_korean(
        home,
        locales["ko"],
        title=ko["title"],
        search_description=ko["search_description"],
        intro=ko["intro"],
        call_heading=ko["call_heading"],
        call_text=ko["call_text"],
    )
    add_live_blocks(home, "en")
    add_live_blocks(home_ko, "ko")
    return home, home_ko


def build_page(parent, spec, locales, model, extra=lambda language: {}) -> Page:
    """A page from ``spec`` in English and its Korean translation; ``extra`` adds fields."""
    en, ko = spec["en"], spec["ko"]
    page = add_english(
        parent,
        model(
            title=en["title"],
            slug=en["slug"],
            search_description=en["search_description"],
            intro=en["intro"],
            show_in_menus=parent.depth == 2,
            **extra("en"),
        ),
    )
    add_korean(
        page,
        locales["ko"],
        title=ko["title"],
        search_description=ko["search_description"],
        intro=ko["intro"],
        **extra("ko"),
    )
    return page


def build_stream_page(parent, spec, images, pages, locales) -> Page:
    page = build_page(
        parent,
        spec,
        locales,
        ContentPage,
        extra=lambda language: {"body": stream(spec[language]["body"], images, pages)},
    )
    pages[spec["en"]["slug"]] = page
    return page


def build_news(index: NewsIndexPage, locales, images) -> int:
    reference = timezone.localdate()
    created = 0
    for days, slug, image_name, (tags_en, tags_ko), en, ko in content.NEWS:
        if index.get_children().filter(slug=slug).exists():
            continue
        article = NewsArticlePage(
            title=en["title"],
            slug=slug,
            date=reference - datetime.timedelta(days=days),
            intro=en["intro"],
            search_description=en["intro"],
            image=images[image_name],
            image_alt="",
            body=json.dumps([{"type": "text", "value": en["body"], "id": str(uuid.uuid4())}]),
        )
        article.tags.add(*tags_en)
        index.add_child(instance=article)
        publish(article)
        translated = article.copy_for_translation(locales["ko"]).specific
        translated.title = ko["title"]
        translated.intro = ko["intro"]
        translated.search_description = ko["intro"]
        translated.body = json.dumps(
            [{"type": "text", "value": ko["body"], "id": str(uuid.uuid4())}]
        )
        translated.tags.set(tags_ko)
        translated.save()
        publish(translated)
        created += 1
    return created


def build_partners(locales, images) -> None:
    for order, spec in enumerate(content.PARTNERS):
        name_en, description_en = spec["en"]
        partner = Partner.objects.filter(locale=locales["en"], name=name_en).first()
        if partner is None:
            partner = Partner.objects.create(
                locale=locales["en"],
                name=name_en,
                description=description_en,
                kind=spec["kind"],
                url=spec["url"],
                logo=images[spec["key"]],
                sort_order=order,
            )
        if partner.get_translation_or_none(locales["ko"]) is None:
            name_ko, description_ko = spec["ko"]
            translated = partner.copy_for_translation(locales["ko"])
            translated.name = name_ko
            translated.description = description_ko
            translated.save()


def build_settings(home: HomePage, images) -> None:
    site = Site.objects.get(root_page=home)
    site_settings = SiteSettings.for_site(site)
    if site_settings.organization:
        return
    for field, value in content.SITE_SETTINGS.items():
        setattr(site_settings, field, value)
    site_settings.logo = images["logo"]
    site_settings.save()


def load(stdout) -> None:
    locales = ensure_locales()
    images = {name: demo_image(name, f"Demo: {name}") for name in PALETTES}
    images.update({name: demo_image(name, f"Demo logo: {name}") for name in LOGO_COLOURS})
    home, home_ko = build_home(locales, images)
    pages: dict = {}

    stages = build_page(
        home,
        content.STAGES,
        locales,
        ProgrammeStagesPage,
        extra=lambda language: {"stages": stages_stream(content.STAGES[language]["stages"])},
    )
    pages["programme"] = stages
    about = build_stream_page(home, content.ABOUT, images, pages, locales)
    # "About" links to the stages page, which therefore exists first; the menu lists About first.
    if stages.get_prev_sibling() is None:
        for page in (stages, stages.get_translation(locales["ko"])):
            page.move(page.get_next_sibling(), pos="right")
    for spec in (content.BACKGROUND, content.OBJECTIVES):
        build_stream_page(about, spec, images, pages, locales)
    build_page(home, content.ECONOMIES, locales, EconomiesPage)
    news = build_page(home, content.NEWS_INDEX, locales, NewsIndexPage)
    created_news = build_news(news, locales, images)
    build_page(home, content.RESOURCE_LIBRARY, locales, ResourceLibraryPage)
    build_page(home, content.PARTNERS_PAGE, locales, PartnersPage)
    build_stream_page(home, content.FAQ, images, pages, locales)
    build_partners(locales, images)
    build_settings(home, images)
    stdout.write(
        f"Public site: {Page.objects.live().type(HomePage).count()} home pages, "
        f"{Page.objects.live().count() - 1} live pages in English and Korean "
        f"({created_news} news articles added).\n"
    )
