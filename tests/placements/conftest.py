"""Helpers shared by the placements tests: URLs in a language, messages shown, a real PDF,
a clean private storage, and the usual offers of LK Precision."""

import io
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from pypdf import PdfWriter

from .factories import OfferFactory, SlotFactory


def url(name, *args, lang="sv", **kwargs):
    """The page's address in `lang` (Swedish, the default, unless told)."""
    with translation.override(lang):
        return reverse(name, args=args or None, kwargs=kwargs or None)


def post(client, address, data=None):
    """POST like a browser: follow the redirect, so the next page shows (and uses up) the
    messages; they are in `response.shown`."""
    response = client.post(address, data or {})
    response.shown = None
    if response.status_code == 302:
        page = client.get(response["Location"])
        if page.status_code == 200 and page.context is not None:
            response.shown = [str(m) for m in page.context["messages"]]
            html = page.content.decode()
            assert all(escape(m) in html for m in response.shown)
    return response


def shown_messages(response):
    """The texts of the messages the next page shows the user."""
    if getattr(response, "shown", None) is not None:
        return response.shown
    return [str(m) for m in get_messages(response.wsgi_request)]


def pdf_bytes(pages=1):
    """A small, real PDF document."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what the code asked to do after commit, as a real commit would (mail is sent)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


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
