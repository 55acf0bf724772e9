"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Never run `playwright install` here: the browser is /usr/bin/chromium. Without it the tests skip,
or fail when PORTAL_REQUIRE_SERVICES=1 (see tests/conftest.py).
"""

from pathlib import Path

import pytest
from django.core.management import call_command

from tests.conftest import chromium_available, require
from tests.helpers import Accessibility

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    # Date inputs and number formats as a Swedish user sees them.
    "--lang=sv-SE",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's launch options (--headed, --slowmo …) with Debian's Chromium."""
    require(chromium_available(), f"Chromium is not installed at {CHROMIUM}")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A Swedish visitor: the browser asks for Swedish, as most of the portal's users' do.
    return {**browser_context_args, "locale": "sv-SE"}


@pytest.fixture(autouse=True)
def _require_chromium():
    require(chromium_available(), f"Chromium is not installed at {CHROMIUM}")


@pytest.fixture(autouse=True)
def _timeouts(request):
    """Fail within seconds, not Playwright's 30: a page of this portal answers in well under a
    second, but a click that posts a form waits for its navigation, and on a loaded 2-core CI
    machine (password hashing, a PDF in a subprocess) 5 s proved too short once."""
    if "page" in request.fixturenames:
        page = request.getfixturevalue("page")
        page.set_default_timeout(15_000)
        page.set_default_navigation_timeout(20_000)


@pytest.fixture
def shot():
    """`shot(page, "name")` saves screenshots/name.png (full page) and returns its path."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def save(page, name, full_page=True):
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return save


@pytest.fixture
def demo(transactional_db, settings):
    """The demo partnership (load_demo refuses to run without DEBUG; the pages run without)."""
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    settings.DEBUG = False


@pytest.fixture
def axe():
    """`axe.check(page, label)` along the way; `axe.report()` at the end lists what it found."""
    return Accessibility()


@pytest.fixture
def new_page(browser, browser_context_args):
    """`new_page()`: a page in a browser context of its own (another person, no shared session)."""
    contexts = []

    def make():
        context = browser.new_context(**browser_context_args)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.set_default_navigation_timeout(20_000)
        return page

    yield make
    for context in contexts:
        context.close()
