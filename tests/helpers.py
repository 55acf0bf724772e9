"""The tests' own helpers, one of each: addresses in a language, the Swedish text of a message,
posting like a browser, small real files, reading a page as a tree, invitations, accessibility
checks, waiting for a worker, and a service that is down or hung (a closed port, a listener that
never answers). Fixtures live in the conftest.py files, helpers here."""

import io
import re
import socket
import threading
import time
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from django.apps import apps
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext
from PIL import Image
from pypdf import PdfWriter

from partners.models import Invitation, MembershipRole, hash_token

# --------------------------------------------------------------------------------------------------


def url(name, *args, lang="sv", **kwargs):
    """The path of a named page in `lang` (Swedish, the default language, unless told): the
    URLs themselves are translated. Positional arguments or keyword arguments, as the URL has."""
    with translation.override(lang):
        return reverse(name, args=args or None, kwargs=kwargs or None)


def live_url(live_server, name, *args, lang="sv", **kwargs):
    """The absolute address of a named page on the browser tests' live server."""
    return live_server.url + url(name, *args, lang=lang, **kwargs)


def sv(text):
    """The Swedish UI text of an English message id, from the catalogue the server uses."""
    with translation.override("sv"):
        return gettext(text)


# --------------------------------------------------------------------------------------------------


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


def dashboard_html(client, person):
    """The person's dashboard (in English), as HTML."""
    client.force_login(person)
    response = client.get(url("dashboard", lang="en"))
    assert response.status_code == 200
    return response.content.decode()


def section(html, title_id):
    """The HTML of one dashboard card, from its heading to the end of the card."""
    start = html.index(f'id="{title_id}"')
    return html[start : html.index("</section>", start)]


# --------------------------------------------------------------------------------------------------


def pdf_bytes(pages=1):
    """A small, real PDF document."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def png_bytes(size=(120, 60)):
    """A small, real PNG image."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 79, 108)).save(buffer, format="PNG")
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


class Element:
    def __init__(self, tag, attrs, parent=None):
        self.tag = tag
        self.attrs = dict(attrs)
        self.parent = parent
        self.children = []  # Elements and strings

    @property
    def classes(self):
        return (self.attrs.get("class") or "").split()

    @property
    def text(self):
        parts = []
        for child in self.children:
            parts.append(child.text if isinstance(child, Element) else child)
        return " ".join(" ".join(parts).split())

    @property
    def raw_text(self):
        return "".join(c.raw_text if isinstance(c, Element) else c for c in self.children)

    def iter(self):
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def find_all(self, tag=None, cls=None, **attrs):
        return [
            e
            for e in self.iter()
            if (tag is None or e.tag == tag)
            and (cls is None or cls in e.classes)
            and all(e.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]

    def find(self, tag=None, cls=None, **attrs):
        found = self.find_all(tag, cls, **attrs)
        return found[0] if found else None

    def __repr__(self):
        return f"<{self.tag} {self.attrs}>"


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def page(response):
    """The response's HTML as a tree of Elements (lists, tables, links the way a user sees
    them, instead of grepping markup)."""
    builder = _TreeBuilder()
    builder.feed(response.content.decode())
    builder.close()
    return builder.root


def table_rows(table, section="tbody"):
    """The text of each cell (th or td), row by row, of a table's tbody (or thead/tfoot)."""
    part = table.find(section)
    return [
        [cell.text for cell in row.children if isinstance(cell, Element)]
        for row in part.find_all("tr")
    ]


def table_by_caption(document, caption):
    for table in document.find_all("table"):
        found = table.find("caption")
        if found is not None and found.text == caption:
            return table
    raise AssertionError(f"no table captioned {caption!r}")


# --------------------------------------------------------------------------------------------------

LINK = re.compile(r"https?://\S+")
ORGANISATION_INLINES = ("roles", "agreements", "memberships")


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


# --------------------------------------------------------------------------------------------------

PORTAL_APPS = (
    "accounts", "partners", "programs", "placements", "notifications", "activity", "yearly",
)  # fmt: skip


def database_state():
    """Every row of the portal's own models: what a refused request must leave as it was."""
    return {
        model._meta.label: sorted(
            model.objects.values_list(*[f.attname for f in model._meta.concrete_fields]),
            key=repr,
        )
        for app in PORTAL_APPS
        for model in apps.get_app_config(app).get_models()
    }


# --------------------------------------------------------------------------------------------------

# WCAG 2.0, 2.1 and 2.2 at levels A and AA: what the portal promises (about page).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page):
    """axe-core's WCAG A/AA violations on the page, as readable lines."""
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} -> "
        + "; ".join(
            " ".join(node["target"]) + " " + node["html"][:120] for node in violation["nodes"]
        )
        for violation in results.response["violations"]
    ]


class Accessibility:
    """Runs axe on pages along the way; the test asserts at its end that none had violations."""

    def __init__(self):
        self.found = {}

    def check(self, page, label):
        self.found[label] = axe_violations(page)

    def report(self):
        problems = {label: found for label, found in self.found.items() if found}
        return "\n".join(f"{label}:\n  " + "\n  ".join(found) for label, found in problems.items())


WORKER_TIMEOUT = 15  # seconds


def wait_until(predicate, what="condition", timeout=WORKER_TIMEOUT):
    """Wait for a real worker's effect; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"{what} not reached within {timeout} s")


def all_at_once(work, arguments, refused=(ValidationError,)):
    """Run `work(argument)` in one thread per argument, released together by a barrier, each
    with its own database connection (closed at its end), as each request would have.
    Returns, per argument, ("ok", result), ("refused", messages) for an exception of the
    `refused` kinds, or ("error", repr) for anything else (an IntegrityError or a deadlock)."""
    barrier = threading.Barrier(len(arguments))
    results = [None] * len(arguments)

    def run(i, argument):
        try:
            barrier.wait(timeout=20)
            results[i] = ("ok", work(argument))
        except refused as error:
            results[i] = ("refused", getattr(error, "messages", None) or str(error))
        except Exception as error:
            results[i] = ("error", repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(arguments)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results


def outcomes(results):
    return sorted(kind for kind, _value in results)


# --------------------------------------------------------------------------------------------------


def closed_port():
    """A local port nothing listens on: connecting is refused at once (a service that is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class HungServer:
    """A local TCP server that accepts every connection and never answers (a hung service),
    as a context manager. `port`; `accepted`, how many connections it has taken."""

    def __init__(self):
        self._socket = socket.create_server(("127.0.0.1", 0), backlog=128)
        self._socket.settimeout(0.05)
        self.port = self._socket.getsockname()[1]
        self.accepted = 0
        self._held = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self):
        while not self._stop.is_set():
            try:
                conn, _address = self._socket.accept()
            except TimeoutError:
                continue
            self._held.append(conn)
            self.accepted += 1

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=5)
        self._socket.close()
        for conn in self._held:
            conn.close()
