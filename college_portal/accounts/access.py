"""Access helpers: the one place every view asks who may see or change what.

Lists and detail views both go through a model's `visible_to(user)` queryset, so an object
outside a user's role and organisation answers 404 exactly as one that does not exist.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404


def role_required(*roles, staff=False):
    """Let through signed-in users with one of `roles` (or staff, when `staff`); others get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            allowed = (staff and user.is_staff) or (roles and user.role in roles)
            if not allowed:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def visible_object_or_404(queryset, user, **lookup):
    """The object matching `lookup` among those `user` may see; 404 otherwise."""
    return get_object_or_404(queryset.visible_to(user), **lookup)
