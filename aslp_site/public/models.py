"""Page types, snippets and site settings of the public programme site.

Every page is translatable (wagtail-localize, one tree per locale). Pages hold no personal
content, so ``PublicPage.serve`` marks their responses as shareable by the public page cache.
"""

from __future__ import annotations

import zoneinfo

from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, TranslatableMixin
from wagtail.search import index

from aslp_site.core.admin_forms import AdminModelForm
from aslp_site.core.cache import mark_public_cacheable

from .blocks import RICH_TEXT_FEATURES, BodyBlock, StagesBlock
from .forms import PublicPageForm

NEWS_PER_PAGE = 10


def time_zone_validator(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Enter a time zone name such as Asia/Seoul."))


class PublicPage(Page):
    """Base for every public page: translatable, with a share image; responses may be cached."""

    share_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("share image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown when the page is shared on social media. Landscape, 1200×630."),
    )

    promote_panels = Page.promote_panels + [FieldPanel("share_image")]
    base_form_class = PublicPageForm

    class Meta:
        abstract = True

    def serve(self, request, *args, **kwargs):
        return mark_public_cacheable(super().serve(request, *args, **kwargs))

    def get_sitemap_urls(self, request=None):
        """One entry per page with its translations as hreflang alternates."""
        urls = super().get_sitemap_urls(request)
        alternates = [
            {"lang_code": page.locale.language_code, "location": page.get_full_url(request)}
            for page in self.get_translations(inclusive=True).live().select_related("locale")
        ]
        if len(alternates) > 1:
            for entry in urls:
                entry["alternates"] = alternates
        return urls

    @property
    def listing_image(self):
        """The image that stands for the page in listings and share previews."""
        return self.share_image


class IntroPage(PublicPage):
    """A page whose own text is an introduction above content the page gathers itself."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    class Meta:
        abstract = True


class HomePage(PublicPage):
    intro = RichTextField(
        _("introduction"), blank=True, features=RICH_TEXT_FEATURES, help_text=_("Below the title.")
    )
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("banner image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The open calls themselves (title, deadline, link to apply) come from the cohorts that
    # accept applications; editors only word the section around them.
    call_heading = models.CharField(
        _("call heading"),
        max_length=160,
        blank=True,
        help_text=_(
            "Heading of the open-call section, shown while a cohort accepts applications. "
            "Leave empty for “Applications are open”."
        ),
    )
    call_text = RichTextField(
        _("call text"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_("A few words above the open calls; each call's deadline and link are added."),
    )
    body = StreamField(BodyBlock(), verbose_name=_("more content"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("hero_image"),
        MultiFieldPanel(
            [FieldPanel("call_heading"), FieldPanel("call_text")],
            heading=_("Open call"),
            help_text=_(
                "Shown while a cohort accepts applications. Cohorts, deadlines and time zones "
                "are edited under Programme > Cohorts."
            ),
        ),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    @staticmethod
    def open_cohorts(now=None):
        """Cohorts accepting applications now, the nearest deadline first (two queries)."""
        from cohorts.models import Cohort, CohortStatus

        now = now or timezone.now()
        return list(
            Cohort.objects.filter(status=CohortStatus.OPEN, opens_at__lte=now, closes_at__gt=now)
            .select_related("programme")
            .prefetch_related("translations")
            .order_by("closes_at", "pk")
        )

    @property
    def listing_image(self):
        return self.share_image or self.hero_image

    def get_context(self, request, *args, **kwargs):
        from cohorts.selectors import economy_list

        context = super().get_context(request, *args, **kwargs)
        stages_page = (
            ProgrammeStagesPage.objects.child_of(self).live().public().order_by("path").first()
        )
        news_index = NewsIndexPage.objects.child_of(self).live().public().order_by("path").first()
        open_cohorts = self.open_cohorts()
        context.update(
            open_cohorts=open_cohorts,
            call_expires=max((c.closes_at for c in open_cohorts), default=None),
            stages_page=stages_page,
            news_index=news_index,
            latest_news=(news_index.articles()[:3] if news_index else []),
            economies_page=EconomiesPage.objects.child_of(self).live().public().first(),
            participating_economies=economy_list(participating_only=True),
        )
        return context


class ContentPage(PublicPage):
    intro = models.TextField(_("introduction"), blank=True, help_text=_("One or two sentences."))
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["public.HomePage", "public.ContentPage"]

    class Meta:
        verbose_name = _("content page")


class ProgrammeStagesPage(PublicPage):
    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)
    stages = StreamField(StagesBlock(), verbose_name=_("stages"))
    body = StreamField(BodyBlock(), verbose_name=_("more content"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("stages"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("stages"),
        index.SearchField("body"),
    ]

    parent_page_types = ["public.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("programme stages page")


class EconomiesPage(IntroPage):
    """Lists the participating economies from the programme data (cohorts.Economy)."""

    parent_page_types = ["public.HomePage", "public.ContentPage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("participating economies page")

    def get_context(self, request, *args, **kwargs):
        from cohorts.selectors import economy_list

        context = super().get_context(request, *args, **kwargs)
        economies = list(economy_list())
        participating = [economy for economy in economies if economy.has_participated]
        context.update(
            participating=participating,
            participating_members=[e for e in participating if e.is_apec_member],
            participating_guests=[e for e in participating if not e.is_apec_member],
            apec_members=[e for e in economies if e.is_apec_member],
        )
        return context


class NewsIndexPage(RoutablePageMixin, IntroPage):
    parent_page_types = ["public.HomePage"]
    subpage_types = ["public.NewsArticlePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("news index page")

    def serve(self, request, *args, **kwargs):
        # Routed views (the listing and the feed) bypass PublicPage.serve; mark them here.
        return mark_public_cacheable(super().serve(request, *args, **kwargs))

    def articles(self):
        return (
            NewsArticlePage.objects.child_of(self)
            .live()
            .public()
            .select_related("image")
            .prefetch_related("tags")
            .order_by("-date", "-pk")
        )

    @path("")
    def index(self, request):
        articles = self.articles()
        tag = request.GET.get("tag", "").strip()[:100]
        if tag:
            articles = articles.filter(tags__name=tag)
        paginator = Paginator(articles, NEWS_PER_PAGE)
        try:
            page_number = int(request.GET.get("page", "1"))
            articles_page = paginator.page(page_number)
        except (ValueError, PageNotAnInteger, EmptyPage):
            articles_page = paginator.page(1)
        return self.render(
            request,
            context_overrides={"articles": articles_page, "tag": tag, "paginator": paginator},
        )

    @path("feed/", name="feed")
    def feed(self, request):
        from .feeds import NewsFeed

        return NewsFeed(self)(request)


class NewsArticleTag(TaggedItemBase):
    content_object = ParentalKey(
        "public.NewsArticlePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class NewsArticlePage(PublicPage):
    date = models.DateField(_("date"), default=timezone.localdate)
    intro = models.TextField(_("summary"), help_text=_("Shown in listings and the news feed."))
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image_alt = models.CharField(
        _("image description"),
        max_length=250,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)
    tags = ClusterTaggableManager(through=NewsArticleTag, blank=True, verbose_name=_("tags"))

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("date"), FieldPanel("tags")]),
        FieldPanel("intro"),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading=_("Image")),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]

    parent_page_types = ["public.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")

    @property
    def listing_image(self):
        return self.share_image or self.image


class PartnersPage(IntroPage):
    """Lists the partner organizations (snippets) of the page's language."""

    parent_page_types = ["public.HomePage", "public.ContentPage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("partners page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        partners = Partner.objects.filter(locale_id=self.locale_id).select_related("logo")
        groups = []
        for value, label in Partner.Kind.choices:
            members = [partner for partner in partners if partner.kind == value]
            if members:
                groups.append({"kind": value, "label": label, "partners": members})
        context["partner_groups"] = groups
        return context


class Partner(TranslatableMixin, index.Indexed, models.Model):
    """An organization the programme works with, shown with its logo and link."""

    class Kind(models.TextChoices):
        ORGANIZER = "organizer", _("Organizers")
        PARTNER = "partner", _("Partners")
        RELATED = "related", _("Related organizations")

    name = models.CharField(_("name"), max_length=160)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PARTNER)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    url = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("logo"),
        FieldPanel("url"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]
    base_form_class = AdminModelForm

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


@register_setting(icon="cog")
class SiteSettings(BaseSiteSetting):
    """Logo, contacts and social links shown in the header and footer of every page."""

    base_form_class = AdminModelForm

    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organization = models.CharField(
        _("organization"),
        max_length=200,
        blank=True,
        help_text=_("Who runs the programme, shown in the footer."),
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact telephone"), max_length=40, blank=True)
    address = models.TextField(_("postal address"), blank=True)
    facebook_url = models.URLField(_("Facebook"), blank=True)
    youtube_url = models.URLField(_("YouTube"), blank=True)
    instagram_url = models.URLField(_("Instagram"), blank=True)
    linkedin_url = models.URLField(_("LinkedIn"), blank=True)
    x_url = models.URLField(_("X (Twitter)"), blank=True)

    panels = [
        FieldPanel("logo"),
        FieldPanel("organization"),
        MultiFieldPanel(
            [FieldPanel("contact_email"), FieldPanel("contact_phone"), FieldPanel("address")],
            heading=_("Contacts"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("facebook_url"),
                FieldPanel("youtube_url"),
                FieldPanel("instagram_url"),
                FieldPanel("linkedin_url"),
                FieldPanel("x_url"),
            ],
            heading=_("Social media"),
        ),
    ]

    class Meta:
        verbose_name = _("site settings")

    def social_links(self) -> list[tuple[str, str]]:
        links = [
            ("Facebook", self.facebook_url),
            ("YouTube", self.youtube_url),
            ("Instagram", self.instagram_url),
            ("LinkedIn", self.linkedin_url),
            ("X", self.x_url),
        ]
        return [(name, url) for name, url in links if url]
