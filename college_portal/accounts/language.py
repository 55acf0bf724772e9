"""A user's language: remembered in their profile and in the language cookie."""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def remember_language(response, language):
    """Set the cookie that unprefixed URLs ("/") follow, as Django's set_language does."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


@receiver(user_logged_in)
def adopt_language_chosen_before_login(sender, request, user, **kwargs):
    """A visitor who picked a language with the switch and then signs in keeps that choice.

    The cookie is set only by an explicit choice (the switch, the profile, an earlier login),
    so a first visit in the default language does not overwrite a stored preference.
    """
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) if request else None
    if chosen in LANGUAGE_CODES and chosen != user.language:
        user.language = chosen
        user.save(update_fields=["language"])
