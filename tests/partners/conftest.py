"""Helpers shared by the partners tests: invitation links from e-mails, admin form data."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone, translation

from partners.models import Invitation, MembershipRole, hash_token

LINK = re.compile(r"https?://\S+")


def link_path(message):
    """The path of the one link in an e-mail's plain-text body (what the recipient clicks)."""
    links = LINK.findall(message.body)
    assert len(links) == 1, message.body
    return urlsplit(links[0]).path


def make_invitation(organisation, email, *, token="a-token", expires_in_days=14, **extra):
    """An invitation whose link token the test knows (the database stores only its hash)."""
    return Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=extra.pop("role", MembershipRole.REPRESENTATIVE),
        token_hash=hash_token(token),
        expires_at=timezone.now() + timedelta(days=expires_in_days),
        **extra,
    )


def inline_management_data(*prefixes):
    """Empty management forms for the admin change form's inlines."""
    data = {}
    for prefix in prefixes:
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    return data


ORGANISATION_INLINES = ("roles", "agreements", "memberships")


@pytest.fixture(autouse=True)
def swedish_by_default():
    """reverse() gives the default language's URLs, whatever an earlier test's request left active."""
    with translation.override("sv"):
        yield


@pytest.fixture
def lead_client(client, lead):
    client.force_login(lead)
    return client
