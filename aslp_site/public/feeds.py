"""The RSS feed of a news index page (``<news index>/feed/``), in the page's language."""

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed

FEED_LENGTH = 20


class NewsFeed(Feed):
    feed_type = Rss201rev2Feed

    def __init__(self, index_page):
        super().__init__()
        self.index_page = index_page

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self):
        return self.index_page.seo_title or self.index_page.title

    def link(self):
        return self.index_page.get_url(self.request)

    def description(self):
        return self.index_page.search_description or self.index_page.title

    @property
    def language(self):
        return self.index_page.locale.language_code

    def items(self):
        return self.index_page.articles()[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.intro

    def item_link(self, item):
        return item.get_url(self.request)

    def item_pubdate(self, item):
        moment = timezone.datetime.combine(item.date, timezone.datetime.min.time())
        return timezone.make_aware(moment, timezone.get_fixed_timezone(0))

    def item_categories(self, item):
        # Sorted, so the feed is the same whatever order the database returns the tags in.
        return sorted(tag.name for tag in item.tags.all())
