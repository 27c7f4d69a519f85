"""Routes of the public resource library. The library page and its resource pages are routed
Wagtail page views under the page catch-all (public); only the file downloads have a URL."""

from aslp_site.core.routes import Access, Rule

ROUTES: dict[str, Rule] = {
    # Anyone, for a published resource's own files; anything else answers 404.
    "library-files/<int:resource>/<int:file>/": Rule(
        Access.PUBLIC,
        sample="/library-files/{resource}/{subfile}/",
        note="files of published resources only; another file or an unpublished resource: 404",
    ),
}
