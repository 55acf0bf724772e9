"""Swedish by default, English complete: every public page in both languages, and translation
catalogues that are complete, free of fuzzy entries and compiled from their current source."""

import ast
import gettext
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from tests.helpers import url

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
LANGUAGES = [code for code, _name in settings.LANGUAGES]
PUBLIC_PAGES = [
    "home",
    "about",
    "partners:list",
    "account_login",
    "account_signup",
    "account_reset_password",
]


# --- Pages ------------------------------------------------------------------------------------


def test_swedish_is_the_default_language():
    assert settings.LANGUAGE_CODE == "sv"
    assert LANGUAGES == ["sv", "en"]


@pytest.mark.django_db
def test_root_redirects_to_swedish(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response.url == "/sv/"


@pytest.mark.django_db
@pytest.mark.parametrize("name", PUBLIC_PAGES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_public_page_answers_in_its_language(client, company, name, language):
    path = url(name, lang=language)
    assert path.startswith(f"/{language}/")

    response = client.get(path)

    assert response.status_code == 200
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    assert response["Content-Language"] == language


# The portal's own text around every page (not in Django's or allauth's catalogues).
SHELL_TEXT = ["Create student account", "About the college"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_swedish_pages_show_no_english_shell_text(client, name):
    """The shell's own text is translated: a Swedish page does not fall back to English."""
    swedish = client.get(url(name)).content.decode()
    english = client.get(url(name, lang="en")).content.decode()

    shown = [text for text in SHELL_TEXT if text in english]
    assert shown, "the English page shows none of the shell's text"
    untranslated = [text for text in shown if text in swedish]
    assert not untranslated, (
        f"the Swedish page shows English text {untranslated}: is "
        "locale/sv/LC_MESSAGES/django.mo there and compiled?"
    )


# --- Catalogues -------------------------------------------------------------------------------


def shown(path):
    return os.path.relpath(path, settings.BASE_DIR)


def po_path(language):
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.po"


def require_catalogue(language):
    path = po_path(language)
    if not path.is_file():
        pytest.fail(f"catalogue missing: {shown(path)}")
    return path


def _unquote(text):
    return ast.literal_eval(text) if text else ""


def parse_po(path):
    """Entries of a .po file as dicts: msgctxt, msgid, msgid_plural, msgstr ({index: text}),
    flags, line.

    Obsolete entries (`#~`) are left out: gettext ignores them too.
    """
    entries = []
    entry = None
    field = None

    def finish():
        nonlocal entry, field
        if entry is not None and "msgid" in entry:
            entries.append(entry)
        entry, field = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if entry is not None and entry["msgstr"] and line.startswith(("#", "msgctxt", "msgid ")):
            finish()  # the next entry starts without a blank line before it
        if entry is None:
            entry = {"flags": set(), "msgstr": {}, "line": number}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            field = "comment"
        elif line.startswith("#"):
            field = "comment"
        elif line.startswith('"'):
            value = _unquote(line)
            if isinstance(field, int):
                entry["msgstr"][field] += value
            else:
                entry[field] += value
        else:
            keyword, _space, text = line.partition(" ")
            if keyword.startswith("msgstr["):
                field = int(keyword[len("msgstr[") : -1])
                entry["msgstr"][field] = _unquote(text)
            elif keyword == "msgstr":
                field = 0
                entry["msgstr"][0] = _unquote(text)
            elif keyword in ("msgctxt", "msgid", "msgid_plural"):
                field = keyword
                entry[keyword] = _unquote(text)
            else:
                raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
    finish()
    return entries


def describe(path, entry):
    context = f" (context {entry['msgctxt']!r})" if "msgctxt" in entry else ""
    return f"{path.name}:{entry['line']}: {entry['msgid']!r}{context}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_complete_and_not_fuzzy(language):
    path = require_catalogue(language)
    entries = parse_po(path)
    assert entries, f"{path} has no entries"

    header = [e for e in entries if e["msgid"] == "" and "msgctxt" not in e]
    assert len(header) == 1, f"{path} has no header entry"
    # A fuzzy header is left out by msgfmt: the compiled catalogue then has no charset.
    assert "fuzzy" not in header[0]["flags"], f"{path}: the header is marked fuzzy"
    assert "charset=UTF-8" in header[0]["msgstr"][0], f"{path}: the header names no UTF-8"

    problems = []
    for entry in entries:
        if entry is header[0]:
            continue
        if "fuzzy" in entry["flags"]:
            problems.append(f"fuzzy: {describe(path, entry)}")
        if not entry["msgstr"] or any(not text for text in entry["msgstr"].values()):
            problems.append(f"untranslated: {describe(path, entry)}")
        if "msgid_plural" in entry and len(entry["msgstr"]) < 2:
            problems.append(f"plural forms missing: {describe(path, entry)}")
    assert not problems, f"{len(problems)} problem(s) in {path}:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_its_source(language, tmp_path):
    source = require_catalogue(language)
    compiled = source.with_suffix(".mo")
    assert compiled.is_file(), f"{shown(compiled)} is missing: compile it"

    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        # Without GNU gettext, the file times are the best evidence there is.
        assert compiled.stat().st_mtime >= source.stat().st_mtime, (
            f"{compiled.name} is older than {source.name}: run compilemessages"
        )
        return

    fresh = tmp_path / "django.mo"
    result = subprocess.run(
        [msgfmt, "--check-format", "-o", str(fresh), str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"msgfmt refuses {source}:\n{result.stderr}"
    with compiled.open("rb") as stored, fresh.open("rb") as expected:
        stored_catalog = gettext.GNUTranslations(stored)._catalog
        expected_catalog = gettext.GNUTranslations(expected)._catalog
    keys = stored_catalog.keys() | expected_catalog.keys()
    stale = sorted(str(k) for k in keys if stored_catalog.get(k) != expected_catalog.get(k))
    assert not stale, (
        f"{shown(compiled)} differs from its .po in {len(stale)} "
        f"message(s), e.g. {stale[:5]}: run compilemessages --ignore=.venv"
    )


# --- The parser itself (so a catalogue problem is never a parser problem) ----------------------


def test_po_parser_finds_untranslated_fuzzy_and_plurals(tmp_path):
    path = tmp_path / "django.po"
    path.write_text(
        "\n".join(
            [
                'msgid ""',
                'msgstr ""',
                '"Content-Type: text/plain; charset=UTF-8\\n"',
                "",
                "#: templates/base.html:3",
                'msgid "Sign in"',
                'msgstr "Logga in"',
                "",
                "#, fuzzy, python-format",
                'msgid "Welcome, %(name)s"',
                'msgstr "Välkommen, %(name)s"',
                "",
                'msgctxt "menu"',
                'msgid ""',
                '"Partners"',
                'msgstr ""',
                "",
                'msgid "%(count)d notification"',
                'msgid_plural "%(count)d notifications"',
                'msgstr[0] "%(count)d avisering"',
                'msgstr[1] ""',
                "",
                '#~ msgid "Old"',
                '#~ msgstr ""',
                "",
            ]
        ),
        encoding="utf-8",
    )

    entries = parse_po(path)

    assert [e["msgid"] for e in entries] == [
        "",
        "Sign in",
        "Welcome, %(name)s",
        "Partners",
        "%(count)d notification",
    ]
    assert entries[1]["msgstr"] == {0: "Logga in"}
    assert "fuzzy" in entries[2]["flags"]
    assert entries[3]["msgctxt"] == "menu" and entries[3]["msgstr"] == {0: ""}
    assert entries[4]["msgstr"] == {0: "%(count)d avisering", 1: ""}


def test_translation_functions_keep_names_makemessages_knows():
    """makemessages finds strings only in calls to `_`, `gettext`, `gettext_lazy`, `ngettext`
    …: a string marked through another alias (`_gettext`, `_lazy`) drops out of the catalogues
    at the next `make messages` and shows in English to Swedish readers."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    alias = re.compile(
        r"import\s+(?:gettext|gettext_lazy|ngettext|ngettext_lazy|pgettext|pgettext_lazy)"
        r"\s+as\s+(?!_\b)(\w+)"
    )
    offenders = [
        f"{path.relative_to(root)}: {match.group(1)}"
        for folder in ("college_portal", "partners", "programs", "placements")
        for path in (root / folder).rglob("*.py")
        for match in alias.finditer(path.read_text())
    ]
    assert offenders == []
