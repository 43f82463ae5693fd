"""Checks of an item before it goes to review (``news_submit``; docs/modules/news.md, "Checks
before review").

- Personal data in the body refuses the submission (``personal_data_in_body``): a valid
  18-digit ID number (GB 11643 check character, ``core.validators.parse_id_number``) or a mainland
  mobile number, found in the text a reader sees (tags stripped, entities decoded).
- Links to our own pages (relative, or to one of our host names) that lead nowhere refuse it
  (``broken_link``, naming the link).
- Sensitive words (the setting GONGHUI_NEWS_SENSITIVE_WORDS and the admin's list) do not refuse
  it: they are stored on the item for the reviewers (``flagged_words``).
"""

import html as html_entities
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from gonghui.core.validators import parse_id_number

# Candidates only; an ID number must also pass the GB 11643 check. Digits around a candidate
# make it part of a longer number (an order number, a bank account), which is not refused.
_ID_CANDIDATE = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")
# A mobile number as people write it: 13912345678, 139 1234 5678, 139-1234-5678, +86 139….
_MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4}(?![0-9])")


def visible_text(body: str) -> str:
    """What a reader sees of ``body``: tags removed, entities decoded (``&#49;`` is a 1)."""
    return html_entities.unescape(nh3.clean(body or "", tags=set()))


def personal_data(text: str) -> list[str]:
    """The ID numbers and mobile numbers in ``text``, masked for the error message."""
    found = []
    for match in _ID_CANDIDATE.finditer(text):
        try:
            parse_id_number(match.group())
        except ValidationError:
            continue
        found.append(match.group()[:6] + "…")
    for match in _MOBILE.finditer(text):
        found.append(match.group()[:3] + "…")
    return found


def require_no_personal_data(body: str) -> None:
    found = personal_data(visible_text(body))
    if found:
        raise ValidationError(
            {
                "body": ValidationError(
                    _(
                        "The text contains personal data (an ID number or a mobile number: %(found)s). "
                        "Remove it before sending the item to review."
                    ),
                    code="personal_data_in_body",
                    params={"found": "、".join(found)},
                )
            }
        )


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href.strip())


def links(body: str) -> list[str]:
    parser = _Links()
    parser.feed(body or "")
    return parser.hrefs


def _own_hosts() -> set[str]:
    hosts = {h.lower().lstrip(".") for h in settings.ALLOWED_HOSTS if h != "*"}
    site = urlsplit(settings.GONGHUI_SITE_URL).hostname
    if site:
        hosts.add(site.lower())
    return hosts


def own_path(href: str) -> str | None:
    """The path of ``href`` when it points at our own site (relative, or an absolute URL to one
    of our host names), else None (another site, ``mailto:``, an anchor on the page)."""
    parts = urlsplit(href)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    if parts.netloc:
        if (parts.hostname or "").lower() not in _own_hosts():
            return None
        return parts.path or "/"
    if not parts.path:  # "#section" or "?page=2": this very page
        return None
    path = parts.path
    if path[:1] != "/":
        return None  # relative to the page: cannot be resolved without knowing where it is shown
    return path


def broken_links(body: str) -> list[str]:
    """Links to our own pages whose path no URL pattern answers (static files are served by
    the web server, not by URL patterns, and are not checked)."""
    broken = []
    for href in links(body):
        path = own_path(href)
        if path is None or path.startswith(settings.STATIC_URL):
            continue
        try:
            resolve(path)
        except Resolver404:
            broken.append(href)
    return broken


def require_working_links(body: str) -> None:
    broken = broken_links(body)
    if broken:
        raise ValidationError(
            {
                "body": ValidationError(
                    _("This link leads to no page of ours: %(link)s"),
                    code="broken_link",
                    params={"link": broken[0]},
                )
            }
        )


def sensitive_words() -> list[str]:
    """The words of the setting and the active words of the admin's list."""
    from gonghui.news.models import SensitiveWord

    words = set(settings.GONGHUI_NEWS_SENSITIVE_WORDS)
    words.update(SensitiveWord.objects.filter(active=True).values_list("word", flat=True))
    return sorted(w for w in words if w)


def flagged_words(title: str, body: str) -> list[str]:
    """The sensitive words in the title or the visible text, in the list's order."""
    text = f"{title}\n{visible_text(body)}".casefold()
    return [word for word in sensitive_words() if word.casefold() in text]


def check_before_review(item) -> list[str]:
    """Refuse ``item`` (ValidationError on ``body``) for personal data or a broken own link;
    return the sensitive words found in it."""
    require_no_personal_data(item.body)
    require_working_links(item.body)
    return flagged_words(item.title, item.body)
