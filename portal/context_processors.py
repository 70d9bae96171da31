"""The menu's unread count (站内消息), on every page for a signed-in user of a district: one query, counted
only when a page renders it."""

from django.utils.functional import SimpleLazyObject

from workorders.selectors import inbox


def unread(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "district_id", None):
        return {}
    return {"unread_count": SimpleLazyObject(lambda: inbox(actor=user, unread_only=True).count())}
