"""StreamField blocks that editors compose public pages from.

Each block renders through its own template in ``public/blocks/`` with semantic markup (figures
with captions, blockquotes, <details> for questions) so pages stay accessible whatever the order.
"""

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
