"""``{% latest_news %}``: the newest items the person at the screen may read, for the public
landing page (anonymous: public items) and the service hall (members: their notices too)."""

from django import template

from gonghui.news.selectors import readers

register = template.Library()
LATEST = 5


@register.inclusion_tag("news/_latest.html", takes_context=True)
def latest_news(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"latest_news": list(readers.published_for(user)[:LATEST])}
