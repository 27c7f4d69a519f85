"""The admin form of every public page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from aslp_site.core.admin_forms import AdminPageForm
from aslp_site.core.routes import reserved_top_level_slugs


class PublicPageForm(AdminPageForm):
    def clean(self):
        cleaned_data = super().clean()
        slug = cleaned_data.get("slug")
        parent = getattr(self, "parent_page", None)
        # Children of a home page (depth 2, under the tree's root) are at /<slug>/ and /ko/<slug>/.
        if slug and parent is not None and parent.depth == 2:
            if slug in reserved_top_level_slugs():
                self.add_error(
                    "slug",
                    _(
                        "The address /%(slug)s/ is used by another part of the site. "
                        "Choose another slug."
                    )
                    % {"slug": slug},
                )
        return cleaned_data
