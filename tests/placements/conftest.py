"""Fixtures of the placements tests: a clean private storage and the usual offers of LK
Precision."""

from pathlib import Path

import pytest
from django.core.files.storage import storages

from tests.factories import OfferFactory, SlotFactory


@pytest.fixture
def private_dir():
    """Where CVs are stored; the files a test adds are removed after it (other test runs may
    share the directory)."""
    location = Path(storages["private"].location)
    before = set(location.rglob("*")) if location.exists() else set()
    yield location
    for path in set(location.rglob("*")) - before if location.exists() else ():
        if path.is_file():
            path.unlink(missing_ok=True)


@pytest.fixture
def offer(company):
    """LK Precision's published internship, open for applications, 2 places."""
    return OfferFactory(organisation=company, title="Praktik i CNC-svarvning")


@pytest.fixture
def visit(company):
    """LK Precision's published study visit."""
    return OfferFactory(organisation=company, study_visit=True, title="Studiebesök på LK Precision")


@pytest.fixture
def slot(visit):
    """A time of the study visit in a week, 20 places."""
    return SlotFactory(offer=visit, capacity=20)
