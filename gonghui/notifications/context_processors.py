from gonghui.notifications import selectors


def inbox(request):
    """The unread count for the bell in the header of every page (one query, signed in only)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": selectors.unread_count(user)}
