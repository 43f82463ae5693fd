from django.apps import AppConfig


class PortalConfig(AppConfig):
    """网上工会: what a member, a visitor and each role meet first — the home page of every role,
    the service hall and the 我的 pages. It sits above every domain app and composes their
    selectors and services; it owns no business rule of its own."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "gonghui.portal"
    label = "portal"
    verbose_name = "网上工会"
