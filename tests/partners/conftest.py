"""Fixtures of the partners tests."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def swedish_by_default():
    """reverse() gives the default language's URLs, whatever an earlier test's request left active."""
    with translation.override("sv"):
        yield
