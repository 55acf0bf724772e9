"""PDF uploads (CVs, agreements, minutes) checked with bounded work: a decompression bomb is
refused in well under a second instead of holding a web worker for 16 s; PDFs with scripts,
launch or automatic actions, attached files, or HTML/PDF polyglots are refused with a message
in the user's language; ordinary PDFs still pass. The malicious files are built here."""

import io
import struct
import subprocess
import sys
import time
import zlib
from functools import cache
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from college_portal import uploads
from college_portal.uploads import PDF_REFUSALS, PdfValidator
from placements.models import Application
from tests.factories import OfferFactory
from tests.helpers import database_state, pdf_bytes, url

MOTIVATION = "Jag vill lära mig ställa in en CNC-svarv och läsa ritningar enligt ISO GPS."


def verdict_of(content):
    """The code PdfValidator refuses `content` with, or None when it is accepted."""
    try:
        PdfValidator()(SimpleUploadedFile("cv.pdf", content, "application/pdf"))
    except ValidationError as refused:
        return refused.code
    return None


# --- Building PDFs by hand ------------------------------------------------------------------------

PAGE_OBJECTS = {
    1: b"<< /Type /Catalog /Pages 2 0 R >>",
    2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
}


def xref_entry(kind, field2, field3):
    return bytes([kind]) + field2.to_bytes(4, "big") + field3.to_bytes(2, "big")


def build_pdf(objects, *, compressed=None, root=1, broken_xref=False, unlisted=False):
    """A PDF 1.7 of `objects` ({number: body}); `compressed` ({number: body}) go in one object
    stream; a cross-reference stream lists them all (or not the compressed ones: `unlisted`),
    or a wrong offset to it (`broken_xref`) makes a reader rebuild the table by scanning."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number, body in objects.items():
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    entries = {number: xref_entry(1, offset, 0) for number, offset in offsets.items()}
    size = max([*objects, *(compressed or {})]) + 1
    if compressed:
        stream_number = size
        size += 1
        bodies, header_parts, position = [], [], 0
        for index, (number, body) in enumerate(compressed.items()):
            header_parts.append(b"%d %d" % (number, position))
            bodies.append(body)
            position += len(body) + 1
            if not unlisted:
                entries[number] = xref_entry(2, stream_number, index)
        head = b" ".join(header_parts) + b"\n"
        data = zlib.compress(head + b"\n".join(bodies) + b"\n")
        offsets[stream_number] = len(out)
        entries[stream_number] = xref_entry(1, len(out), 0)
        out += b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\n" % (
            stream_number, len(compressed), len(head), len(data),
        )  # fmt: skip
        out += b"stream\n" + data + b"\nendstream\nendobj\n"
    xref_number = size
    entries[0] = xref_entry(0, 0, 65535)
    entries[xref_number] = xref_entry(1, len(out), 0)
    table = zlib.compress(b"".join(entries.get(n, xref_entry(0, 0, 0)) for n in range(size + 1)))
    xref_at = len(out)
    out += b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root %d 0 R /Filter /FlateDecode " % (
        xref_number, size + 1, root,
    )  # fmt: skip
    out += b"/Length %d >>\nstream\n" % len(table) + table + b"\nendstream\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % (xref_at + 7 if broken_xref else xref_at)
    return bytes(out)


@cache
def inflating_zeros(count):
    """`count` zero bytes deflated once (raw, as the end of a zlib stream), with the running
    checksum's update for them: each stream of the bomb reuses them."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(b"\0" * count) + compressor.flush()


def zlib_of_entries_and_zeros(entries, zeros):
    """A zlib stream of `entries` followed by `zeros` zero bytes, built without compressing
    the zeros again (a full flush, then the shared deflated zeros, then the Adler-32 of all)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(entries) + compressor.flush(zlib.Z_FULL_FLUSH)
    checksum = zlib.adler32(entries)
    a, b = checksum & 0xFFFF, checksum >> 16
    b = (b + zeros * a) % 65521  # Adler-32 over zeros: a stays, b grows by a per byte
    return b"\x78\xda" + head + inflating_zeros(zeros) + struct.pack(">I", (b << 16) | a)


def xref_chain_bomb(streams=72, inflated=74_000_000):
    """The CV of the report: a one-page PDF whose cross-reference is `streams` compressed
    streams chained by /Prev, each inflating to `inflated` bytes (72 × 74 MB ≈ 5.3 GB from a
    5 MB file). Every reader must inflate them all to find the page."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number, body in PAGE_OBJECTS.items():
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    previous = None
    for i in range(streams):
        number = 4 + i
        offsets[number] = len(out)
        entries = b"".join(xref_entry(1, offsets[n], 0) for n in (1, 2, 3, number))
        data = zlib_of_entries_and_zeros(entries, inflated)
        head = b"<< /Type /XRef /Size %d /W [1 4 2] /Index [1 3 %d 1] /Root 1 0 R " % (
            number + 1, number,
        )  # fmt: skip
        head += b"/Filter /FlateDecode /Length %d" % len(data)
        if previous is not None:
            head += b" /Prev %d" % previous
        out += b"%d 0 obj\n%s >>\nstream\n" % (number, head) + data + b"\nendstream\nendobj\n"
        previous = offsets[number]
    out += b"startxref\n%d\n%%%%EOF\n" % previous
    return bytes(out)


def written(writer):
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def one_page_writer():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    return writer


def action(writer, kind, **entries):
    body = DictionaryObject({NameObject("/S"): NameObject(kind)})
    body.update({NameObject(f"/{k}"): v for k, v in entries.items()})
    return writer._add_object(body)


def with_open_action(kind, **entries):
    writer = one_page_writer()
    writer._root_object[NameObject("/OpenAction")] = action(writer, kind, **entries)
    return written(writer)


def with_document_script():
    """A script in the document's JavaScript name tree (runs when the file opens)."""
    writer = one_page_writer()
    script = action(writer, "/JavaScript", JS=TextStringObject("app.alert('hej')"))
    names = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("start"), script])}
    )
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): writer._add_object(names)}
    )
    return written(writer)


def with_page_open_script():
    writer = one_page_writer()
    page = writer.pages[0]
    on_open = action(writer, "/JavaScript", JS=TextStringObject("app.launchURL('x')"))
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): on_open})
    return written(writer)


def with_launch_link():
    writer = one_page_writer()
    launch = action(writer, "/Launch", F=TextStringObject("cmd.exe"))
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (10, 10, 200, 40)]),
            NameObject("/A"): launch,
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    return written(writer)


def with_attachment():
    writer = one_page_writer()
    writer.add_attachment("betyg.exe", b"MZ\x90\x00" + b"\x00" * 200)
    return written(writer)


def opening_at_the_first_page():
    """An ordinary /OpenAction: a destination (open at page 1, fit), as Word and LaTeX write."""
    writer = one_page_writer()
    writer.open_destination = writer.pages[0]
    return written(writer)


def with_web_link():
    writer = one_page_writer()
    link = action(writer, "/URI", URI=TextStringObject("https://teknikcollege.example"))
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (10, 10, 200, 40)]),
            NameObject("/A"): link,
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    return written(writer)


def script_in_an_object_stream(**options):
    """The open action's script compressed in an object stream, its names written with #xx
    escapes (/J#61vaScript is /JavaScript), so nothing shows in the file's bytes."""
    objects = {**PAGE_OBJECTS, 1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>"}
    hidden = {5: b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>"}
    return build_pdf(objects, compressed=hidden, **options)


def with_page_open_address():
    """No script: the page opens a web address by itself when shown (/AA, additional actions)."""
    writer = one_page_writer()
    visit = action(writer, "/URI", URI=TextStringObject("https://example.org/track"))
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): visit})
    return written(writer)


def text_page_mentioning_html():
    """A CV that names its skills: <html>, <script>, in a page's (uncompressed) text, after
    the first kilobyte (within it, such text would be refused: see uploads.HTML_SNIFF_BYTES)."""
    content = b"BT /F1 11 Tf 50 780 Td (Kan <html>, <script> och <!doctype html>.) Tj ET\n" * 40
    objects = {
        **PAGE_OBJECTS,
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R >>",
        4: b"<< /Producer (%s) >>" % (b"Teknikcollege " * 80),
        5: b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    }
    return build_pdf(objects)


# --- The bomb -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bomb():
    return xref_chain_bomb()


def test_the_bomb_is_what_the_report_describes(bomb):
    assert len(bomb) < uploads.MAX_PDF_BYTES  # passes the size limit
    assert bomb.count(b"/Type /XRef") == 72
    # With small streams the same file is an ordinary one-page PDF: the size is the attack.
    assert verdict_of(xref_chain_bomb(inflated=1000)) is None


def test_the_bomb_is_refused_in_well_under_a_second(bomb):
    started = time.perf_counter()
    code = verdict_of(bomb)
    elapsed = time.perf_counter() - started

    assert code == "too_complex"
    assert elapsed < 1.0, f"{elapsed:.2f} s"


def test_three_bombs_at_once_are_refused_in_about_a_second(bomb):
    from concurrent.futures import ThreadPoolExecutor

    started = time.perf_counter()
    with ThreadPoolExecutor(3) as pool:
        codes = list(pool.map(verdict_of, [bomb] * 3))

    assert codes == ["too_complex"] * 3
    assert time.perf_counter() - started < 2.0


def test_inflating_is_bounded_in_total_not_only_per_stream():
    """Many streams each under the per-stream limit still stop at the total."""
    assert verdict_of(xref_chain_bomb(streams=40, inflated=3_000_000)) == "too_complex"


# --- The process of its own -----------------------------------------------------------------------


@pytest.fixture
def checker(tmp_path, monkeypatch):
    """Replace pdfcheck.py by a script of the test's own."""

    def use(source):
        script = tmp_path / "checker.py"
        script.write_text(source)
        monkeypatch.setattr(uploads, "PDF_CHECKER", script)

    return use


def test_the_kernel_ends_a_check_that_runs_too_long(checker):
    checker(
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_CPU, (1, 2))\n"
        "while True:\n    pass\n"
    )
    started = time.perf_counter()

    assert verdict_of(pdf_bytes()) == "too_complex"
    assert time.perf_counter() - started < 3


def test_the_request_stops_waiting_after_the_timeout(checker, monkeypatch):
    monkeypatch.setattr(uploads, "PDF_CHECK_TIMEOUT", 0.5)
    checker("import time\ntime.sleep(30)\n")
    started = time.perf_counter()

    assert verdict_of(pdf_bytes()) == "too_complex"
    assert time.perf_counter() - started < 2


def test_the_checker_sets_its_own_cpu_and_memory_limits():
    script = (
        "import resource, runpy\n"
        f"module = runpy.run_path({str(uploads.PDF_CHECKER)!r})\n"
        "module['set_process_limits'](2, 512 * 1024 * 1024)\n"
        "print(resource.getrlimit(resource.RLIMIT_CPU), resource.getrlimit(resource.RLIMIT_AS))\n"
    )
    done = subprocess.run([sys.executable, "-I", "-c", script], capture_output=True, text=True)

    assert done.stdout.strip() == f"(2, 3) ({512 * 1024 * 1024}, {512 * 1024 * 1024})"


def test_a_check_that_cannot_run_says_so(checker, caplog):
    checker("raise SystemExit('pypdf missing')\n")

    assert verdict_of(pdf_bytes()) == "unavailable"
    assert "The PDF check failed" in caplog.text


# --- What a PDF may contain -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "code"),
    [
        (with_document_script, "active_content"),
        (lambda: with_open_action("/JavaScript", JS=TextStringObject("app.alert(1)")), "active_content"),
        (lambda: with_open_action("/Launch", F=TextStringObject("calc.exe")), "active_content"),
        (with_page_open_script, "active_content"),
        (with_launch_link, "active_content"),
        (script_in_an_object_stream, "active_content"),
        (lambda: script_in_an_object_stream(broken_xref=True), "active_content"),
        (lambda: script_in_an_object_stream(unlisted=True), "active_content"),
        (with_page_open_address, "active_content"),
        (lambda: with_open_action("/URI", URI=TextStringObject("https://x.example")), "active_content"),
        (with_attachment, "attachments"),
    ],
    ids=[
        "document-script", "open-action-script", "open-action-launch", "page-open-script",
        "launch-link", "script-in-object-stream", "script-in-object-stream-broken-xref",
        "script-in-object-stream-not-in-xref", "page-open-address", "open-action-address",
        "attachment",
    ],
)  # fmt: skip
def test_active_content_and_attachments_are_refused(build, code):
    assert verdict_of(build()) == code


@pytest.mark.parametrize(
    "build",
    [
        lambda: pdf_bytes(pages=3),
        opening_at_the_first_page,
        lambda: with_open_action("/GoTo", D=ArrayObject([NumberObject(0), NameObject("/Fit")])),
        with_web_link,
        text_page_mentioning_html,
        lambda: build_pdf(PAGE_OBJECTS),
        lambda: build_pdf(PAGE_OBJECTS, broken_xref=True),  # readers repair it: so do we
    ],
    ids=[
        "blank-pages",
        "open-at-page-1",
        "open-action-go-to",
        "web-link",
        "text-with-html",
        "xref-stream",
        "repaired",
    ],  # fmt: skip
)
def test_ordinary_pdfs_pass(build):
    assert verdict_of(build()) is None


POLYGLOTS = {
    "html-before-the-header": b"<html><script>alert(1)</script></html>\n",
    "doctype-before-the-header": b"<!DOCTYPE html><body onload=alert(1)>\n",
}


@pytest.mark.parametrize("prefix", POLYGLOTS.values(), ids=POLYGLOTS.keys())
def test_html_before_the_pdf_is_refused(prefix):
    assert verdict_of(prefix + pdf_bytes()) == "html_content"


def test_html_right_after_the_header_is_refused():
    document = pdf_bytes()
    header, rest = document.split(b"\n", 1)
    polyglot = header + b"\n%<script>fetch('/sv/admin/')</script>\n" + rest

    assert verdict_of(polyglot) == "html_content"


def test_anything_before_the_header_is_refused():
    """The PDF standard's readers look for %PDF- in the first 1024 bytes; we require it at the
    start (no producer writes anything before it, a polyglot needs that room)."""
    assert verdict_of(b"\n\n" + pdf_bytes()) == "not_pdf"
    assert verdict_of(b"GIF89a" + pdf_bytes()) == "not_pdf"


def test_a_cut_off_upload_is_refused():
    assert verdict_of(pdf_bytes()[:-200]) == "broken_pdf"


def test_an_encrypted_pdf_is_still_refused():
    writer = one_page_writer()
    writer.encrypt("hemligt")

    assert verdict_of(written(writer)) == "encrypted"


# --- Through the application form ----------------------------------------------------------------


@pytest.fixture
def offer(company):
    return OfferFactory(organisation=company, title="Praktik i CNC-svarvning")


def stored_files():
    location = Path(storages["private"].location)
    return sorted(location.rglob("*")) if location.exists() else []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("sv", "PDF-filen innehåller skript eller automatiska åtgärder"),
        ("en", "The PDF contains scripts or automatic actions"),
    ],
)
def test_the_student_is_told_why_in_their_language(client, student, offer, lang, expected):
    client.force_login(student)
    before, files_before = database_state(), stored_files()

    response = client.post(
        url("placements:apply", offer.pk, lang=lang),
        {"motivation": MOTIVATION, "cv": SimpleUploadedFile("cv.pdf", with_document_script())},
    )

    assert response.status_code == 400
    assert expected in response.content.decode().replace("&#x27;", "'")
    assert database_state() == before
    assert stored_files() == files_before


@pytest.mark.django_db
def test_a_bomb_through_the_form_is_answered_at_once(client, student, offer, bomb):
    client.force_login(student)
    started = time.perf_counter()

    response = client.post(
        url("placements:apply", offer.pk, lang="en"),
        {"motivation": MOTIVATION, "cv": SimpleUploadedFile("cv.pdf", bomb)},
    )

    assert time.perf_counter() - started < 2
    assert response.status_code == 400
    assert "The PDF is too complex to check" in response.content.decode()
    assert not Application.objects.exists()


def test_every_refusal_is_translated():
    for code, message in PDF_REFUSALS.items():
        with translation.override("sv"):
            swedish = str(message)
        with translation.override("en"):
            english = str(message)
        assert swedish != english, code
