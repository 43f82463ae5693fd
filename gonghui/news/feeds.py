"""The Atom feed of an organisation's public news and notices: ``/news/feed/<code>.atom``.

Public items only (``readers.published_for(None, organisation=…)``: a members-only item never
reaches a feed reader, whoever asks); links are absolute (Django's syndication framework builds
them from the request's host)."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from gonghui.news.selectors import readers
from gonghui.organisations.models import Organisation

FEED_ITEMS = 30


class OrganisationFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, code):
        return get_object_or_404(Organisation, code=code, is_active=True)

    def title(self, obj):
        return _("%(union)s: news and notices") % {"union": obj.name}

    def subtitle(self, obj):
        return _("Public news and notices of %(union)s") % {"union": obj.name}

    def link(self, obj):
        return reverse("news:list")

    def feed_url(self, obj):
        return reverse("news:feed", kwargs={"code": obj.code})

    def items(self, obj):
        return readers.published_for(None, organisation=obj).order_by("-published_at")[:FEED_ITEMS]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # The body is stored sanitised (news.html), so it is safe to hand on as HTML.
        return item.body

    def item_link(self, item):
        return reverse("news:detail", kwargs={"item_id": item.pk})

    def item_guid(self, item):
        return f"urn:uuid:{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return getattr(item, "corrected_at", None) or item.published_at

    def item_author_name(self, item):
        return item.organisation.name

    def item_categories(self, item):
        return [item.get_kind_display()]
