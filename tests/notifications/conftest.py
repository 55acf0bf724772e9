"""Fixtures of the outbox tests."""

import pytest

from college_portal.notifications.services import broker_breaker


@pytest.fixture(autouse=True)
def broker_breaker_closed():
    """The enqueue breaker is per process: a test that made the broker fail leaves it open."""
    broker_breaker.reset()
    yield
    broker_breaker.reset()
