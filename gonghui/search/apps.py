from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """Search across the apps' published content (news, notices, activities): a table of terms
    (CJK bigrams and single characters, ASCII words) per document, filled by the apps through
    ``gonghui.search.index`` and read through each app's own reader rules (docs/modules/news.md,
    "Search")."""

    name = "gonghui.search"
    label = "search"
    verbose_name = _("Search")
