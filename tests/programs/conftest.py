"""Helpers shared by the programs tests: URLs under the default language and a small HTML tree
to read pages the way a user sees them (lists, tables, links) instead of grepping markup."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


def url(name, *args, lang="sv", **kwargs):
    """A portal URL in `lang` (Swedish, the default language, unless told otherwise)."""
    with translation.override(lang):
        return reverse(name, args=args or None, kwargs=kwargs or None)


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
    """The response's HTML as a tree of Elements."""
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


@pytest.fixture
def lead_client(client, lead):
    client.force_login(lead)
    return client
