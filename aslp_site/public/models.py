from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from aslp_site.core.cache import mark_public_cacheable


class PublicPage(Page):
    """Base for every public page: responses may be cached for anonymous visitors."""

    class Meta:
        abstract = True

    def serve(self, request, *args, **kwargs):
        return mark_public_cacheable(super().serve(request, *args, **kwargs))


class HomePage(PublicPage):
    intro = RichTextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
