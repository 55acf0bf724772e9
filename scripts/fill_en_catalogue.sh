#!/bin/sh
# Fill the English catalogue: every msgstr becomes its msgid, with no fuzzy flags.
# The source strings are English, so English needs no translation work; this makes
# locale/en/LC_MESSAGES/django.po complete after each `makemessages`.
#
# msgen alone keeps existing msgstrs and fuzzy flags, so when a msgid changes, the
# entry makemessages marked fuzzy would keep an unrelated old text. Emptying the
# fuzzy entries first (msgattrib --clear-fuzzy --empty) makes msgen fill them anew.
#
# Usage: scripts/fill_en_catalogue.sh   (from the project root; needs GNU gettext)
set -eu
cd "$(dirname "$0")/.."
po=locale/en/LC_MESSAGES/django.po
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat > "$tmp/header.po" <<'HEADER'
msgid ""
msgstr ""
"Project-Id-Version: Teknikcollege Stockholm portal\n"
"Report-Msgid-Bugs-To: \n"
"PO-Revision-Date: 2026-11-25 16:00+0100\n"
"Last-Translator: Teknikcollege Stockholm\n"
"Language-Team: English\n"
"Language: en\n"
"MIME-Version: 1.0\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Content-Transfer-Encoding: 8bit\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"
HEADER
: > "$tmp/empty.po"

# Empty every fuzzy entry (and the header, which comes back from header.po).
msgattrib --clear-fuzzy --empty --clear-previous --no-obsolete "$po" -o "$tmp/ref.po"
msgmerge --quiet --no-fuzzy-matching --compendium="$tmp/header.po" \
    "$tmp/empty.po" "$tmp/ref.po" -o "$tmp/merged.po"
msgen --lang=en "$tmp/merged.po" -o "$po"
msgfmt --check --statistics -o /dev/null "$po"
