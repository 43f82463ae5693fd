"""The one sanitiser of rich text: what a news body may contain, whatever the browser sent.

An allow-list (nh3, the Rust ``ammonia`` sanitiser): text structure, links, images and tables
stay; scripts, styles, frames, forms, ``on*`` handlers, ``style`` attributes and every URL
scheme but http, https and mailto go. Links get ``rel="noopener noreferrer"``. Relative URLs
(our own pages and files) are kept.
"""

import nh3

TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "blockquote", "ul", "ol", "li", "a", "img", "figure", "figcaption",
    "table", "thead", "tbody", "tr", "th", "td", "span",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitise(html: str) -> str:
    """``html`` with only the allowed tags, attributes and URL schemes left."""
    return nh3.clean(
        html or "",
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def is_empty(html: str) -> bool:
    """Nothing a reader would see: no text and no image."""
    return not nh3.clean(html or "", tags=set()).strip() and "<img" not in (html or "")
