"""Template context shared by every page: the navigation for the current user's role."""

from django.urls import reverse

from ..registry import registry


def navigation(request):
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    items = []
    for item in registry.nav:
        if item.staff_only and not (signed_in and user.is_staff):
            continue
        if item.roles and not (signed_in and user.role in item.roles):
            continue
        url = reverse(item.url_name)
        # The home page's URL is a prefix of every other page: it is current only on itself.
        current = request.path == url or (item.order > 0 and request.path.startswith(url))
        items.append({"label": item.label, "url": url, "current": current})
    return {"nav_items": items}
