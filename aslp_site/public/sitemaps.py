from django.db.models import Q
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page


class TranslatedSitemap(Sitemap):
    """Every live public page of the site in every language, with hreflang alternates.

    Wagtail's own sitemap lists the default site's tree only, which holds one language.
    """

    def items(self):
        root = self.get_wagtail_site().root_page
        in_any_tree = Q()
        for translated_root in root.get_translations(inclusive=True):
            in_any_tree |= Q(path__startswith=translated_root.path)
        return (
            Page.objects.filter(in_any_tree)
            .live()
            .public()
            .order_by("path")
            .defer_streamfields()
            .specific()
        )
