"""StreamField blocks that editors compose public pages from.

Each block renders through its own template in ``public/blocks/`` with semantic markup (figures
with captions, blockquotes, <details> for questions) so pages stay accessible whatever the order.

The *live* blocks (open call, participating economies, cohorts by year, impact in numbers,
latest resources) show the programme's data as it is when the page is rendered, in the reader's
language; editors give them at most a heading. Their figures come from ``live.py``; the page
cache is emptied when the data behind them changes (``aslp_site.core.signals``).
"""

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "link", "document-link", "ol", "ul", "hr"]


class ImageWithCaptionBlock(blocks.StructBlock):
    image = ImageBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)
    credit = blocks.CharBlock(label=_("Credit"), required=False, max_length=120)

    class Meta:
        icon = "image"
        label = _("Image with caption")
        template = "public/blocks/image.html"


class KeyFigureBlock(blocks.StructBlock):
    value = blocks.CharBlock(
        label=_("Figure"), max_length=20, help_text=_("For example 13, 30+ or 2017.")
    )
    label = blocks.CharBlock(label=_("What it counts"), max_length=80)
    note = blocks.CharBlock(label=_("Note"), required=False, max_length=160)


class KeyFiguresBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=120)
    figures = blocks.ListBlock(KeyFigureBlock(), label=_("Figures"), min_num=1, max_num=8)

    class Meta:
        icon = "list-ol"
        label = _("Key figures")
        template = "public/blocks/key_figures.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("Quotation"))
    attribution = blocks.CharBlock(label=_("Who said it"), required=False, max_length=120)
    role = blocks.CharBlock(label=_("Their role"), required=False, max_length=160)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "public/blocks/quote.html"


class CallToActionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=120)
    text = blocks.TextBlock(label=_("Text"), required=False)
    button_label = blocks.CharBlock(label=_("Button label"), max_length=60)
    page = blocks.PageChooserBlock(label=_("Page"), required=False)
    url = blocks.URLBlock(
        label=_("Or a web address"),
        required=False,
        help_text=_("Used when no page is chosen."),
    )

    class Meta:
        icon = "pick"
        label = _("Call to action")
        template = "public/blocks/call_to_action.html"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("page") and not value.get("url"):
            raise blocks.StructBlockValidationError(
                block_errors={"page": _("Choose a page or enter a web address.")}
            )
        return value


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(
        label=_("Video address"),
        help_text=_("A YouTube or Vimeo address; the video plays on the page."),
    )
    title = blocks.CharBlock(
        label=_("Title"),
        max_length=160,
        help_text=_("Read out by screen readers and shown when the video cannot load."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "public/blocks/video.html"


class QuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Question"), max_length=250)
    answer = blocks.RichTextBlock(label=_("Answer"), features=RICH_TEXT_FEATURES)


class AccordionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=120)
    items = blocks.ListBlock(QuestionBlock(), label=_("Questions"), min_num=1)

    class Meta:
        icon = "help"
        label = _("Questions and answers")
        template = "public/blocks/accordion.html"


def _first_on_page(parent_context, name: str) -> bool:
    """True for the first block of a page that needs the script ``name``: blocks of one page
    share the request, so a script is included once however many blocks use it."""
    request = (parent_context or {}).get("request")
    if request is None:
        return True
    included = request.__dict__.setdefault("_live_block_scripts", set())
    if name in included:
        return False
    included.add(name)
    return True


class LiveBlock(blocks.StructBlock):
    """A block of live figures: an optional heading, the rest from the programme's data."""

    heading = blocks.CharBlock(
        label=_("Heading"),
        required=False,
        max_length=120,
        help_text=_("Leave empty for the usual heading."),
    )

    default_heading = ""
    scripts: tuple[str, ...] = ()

    def live_context(self, value, language: str) -> dict:
        raise NotImplementedError

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["heading"] = value.get("heading") or self.default_heading
        context["include_scripts"] = [
            name for name in self.scripts if _first_on_page(parent_context, name)
        ]
        context.update(self.live_context(value, translation.get_language() or "en"))
        return context


class OpenCallBlock(LiveBlock):
    """The cohorts accepting applications, each with its deadline and a countdown; else the
    next call's opening date when one is announced."""

    default_heading = _("Call for applications")
    scripts = ("countdown",)

    class Meta:
        icon = "time"
        label = _("Live: open call with countdown")
        template = "public/blocks/live_open_call.html"

    def live_context(self, value, language):
        from django.utils import timezone

        from . import live

        now = timezone.now()
        calls = [
            {"cohort": cohort, "left": live.remaining(cohort.closes_at, now)}
            for cohort in live.open_calls(now)
        ]
        return {"calls": calls, "next_call": None if calls else live.next_call(now)}


class EconomyCountsBlock(LiveBlock):
    """The economies whose school leaders have taken part, with how many, most first."""

    default_heading = _("Participating economies")

    class Meta:
        icon = "site"
        label = _("Live: participating economies")
        template = "public/blocks/live_economies.html"

    def live_context(self, value, language):
        from . import live

        economies = live.economy_counts(language)
        return {
            "economies": economies,
            "total": sum(row.participants for row in economies),
        }


class CohortsByYearBlock(LiveBlock):
    """Per year: cohorts, participants and completion where known, as a table and a chart."""

    default_heading = _("Cohorts by year")
    scripts = ("chart",)

    class Meta:
        icon = "table"
        label = _("Live: cohorts by year")
        template = "public/blocks/live_cohorts_by_year.html"

    def live_context(self, value, language):
        from . import live

        return {"years": live.cohorts_by_year()}


class ImpactFiguresBlock(LiveBlock):
    """The programme's impact in numbers, shown like the key figures block."""

    default_heading = _("Impact in numbers")

    class Meta:
        icon = "list-ol"
        label = _("Live: impact in numbers")
        template = "public/blocks/live_impact.html"

    def live_context(self, value, language):
        from . import live

        return {"impact": live.impact()}


class LatestResourcesBlock(LiveBlock):
    """The newest resources published in the library, linked to their pages."""

    count = blocks.IntegerBlock(
        label=_("How many"), min_value=1, max_value=12, default=3, required=False
    )

    default_heading = _("Latest resources")

    class Meta:
        icon = "doc-full"
        label = _("Live: latest published resources")
        template = "public/blocks/live_resources.html"

    def live_context(self, value, language):
        from . import live

        limit = value.get("count") or live.LATEST_RESOURCES_DEFAULT
        return {"resources": live.latest_resources(limit, language)}


class BodyBlock(blocks.StreamBlock):
    """The blocks of a content page body."""

    text = blocks.RichTextBlock(
        label=_("Text"), features=RICH_TEXT_FEATURES, template="public/blocks/text.html"
    )
    image = ImageWithCaptionBlock()
    key_figures = KeyFiguresBlock()
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()
    video = VideoBlock()
    accordion = AccordionBlock()
    open_call = OpenCallBlock()
    economy_counts = EconomyCountsBlock()
    cohorts_by_year = CohortsByYearBlock()
    impact_figures = ImpactFiguresBlock()
    latest_resources = LatestResourcesBlock()


class StageBlock(blocks.StructBlock):
    """One stage of a programme year: Online Pre-Training, Onsite Workshop, Post-Training."""

    title = blocks.CharBlock(label=_("Stage name"), max_length=120)
    period = blocks.CharBlock(
        label=_("When"),
        required=False,
        max_length=120,
        help_text=_("For example: May to June, online."),
    )
    mode = blocks.ChoiceBlock(
        label=_("Format"),
        choices=[("online", _("Online")), ("onsite", _("Onsite")), ("hybrid", _("Hybrid"))],
        default="online",
    )
    summary = blocks.RichTextBlock(label=_("Summary"), features=RICH_TEXT_FEATURES)
    activities = blocks.ListBlock(
        blocks.CharBlock(max_length=160, label=_("Activity")), label=_("Activities")
    )

    class Meta:
        icon = "date"
        label = _("Stage")
        template = "public/blocks/stage.html"


class StagesBlock(blocks.StreamBlock):
    stage = StageBlock()

    class Meta:
        min_num = 1
