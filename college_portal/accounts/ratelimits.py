"""Who a rate limit counts: the client's address as the trusted proxy reports it, and for the
school networks the settings trust (a class behind one NAT address), higher per-address limits.

allauth 65 reads its limits from settings for every request alike and has no adapter hook for
them; its internal `consume()` takes the limits as `config`, so `install()` wraps it to pass
SCHOOL_NETWORK_RATE_LIMITS over ACCOUNT_RATE_LIMITS when the address is in a trusted school
network. Every allauth rate limit (the views' decorators, failed logins, password reset, the
second factor) goes through that one function. tests/accounts/test_client_address.py fails if
an allauth upgrade moves it.
"""

import ipaddress
import logging
from functools import lru_cache, wraps

from allauth.core.internal import ratelimit
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)


@lru_cache(maxsize=8)
def _parse_networks(ranges):
    try:
        return tuple(ipaddress.ip_network(text.strip(), strict=False) for text in ranges)
    except ValueError as error:
        raise ImproperlyConfigured(f"TRUSTED_SCHOOL_NETWORKS: {error}") from error


def school_networks():
    return _parse_networks(tuple(r for r in settings.TRUSTED_SCHOOL_NETWORKS if r.strip()))


def in_school_network(address):
    try:
        address = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(address in network for network in school_networks())


def rate_limits_for(request, app):
    """The limits for this request: None (allauth's own reading of the settings) unless the
    client is in a trusted school network."""
    if app != "allauth.account" or not settings.TRUSTED_SCHOOL_NETWORKS:
        return None
    from allauth.account import app_settings
    from allauth.account.adapter import get_adapter

    if not in_school_network(get_adapter().get_client_ip(request)):
        return None
    return {**app_settings.RATE_LIMITS, **settings.SCHOOL_NETWORK_RATE_LIMITS}


def _with_limits_for_the_request(allauth_function):
    @wraps(allauth_function)
    def function(request, *, app, action, config=None, **kwargs):
        if config is None:
            config = rate_limits_for(request, app)
        return allauth_function(request, app=app, action=action, config=config, **kwargs)

    function.portal_wrapped = True
    return function


def install():
    """Route allauth's rate limits through `rate_limits_for` (once, from AppConfig.ready):
    counting (`consume`) and forgetting (`clear`, after a password reset) alike."""
    school_networks()  # a malformed range stops the start, not the first login
    for name in ("consume", "clear"):
        if not getattr(getattr(ratelimit, name), "portal_wrapped", False):
            setattr(ratelimit, name, _with_limits_for_the_request(getattr(ratelimit, name)))
