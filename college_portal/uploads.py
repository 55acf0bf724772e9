"""Validation of uploaded files by their content, not their name (PDF documents, logo images)."""

import json
import logging
import re
import subprocess
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

MAX_PDF_BYTES = 5 * 1024 * 1024
# The PDF is read in a process of its own (pdfcheck.py), which the kernel stops after
# PDF_CHECK_CPU_SECONDS of CPU and refuses more than PDF_CHECK_MEMORY_BYTES; the request gives
# up on it after PDF_CHECK_TIMEOUT seconds of waiting. A real CV takes 0.15-0.3 s.
PDF_CHECK_CPU_SECONDS = 2
PDF_CHECK_MEMORY_BYTES = 512 * 1024 * 1024
PDF_CHECK_TIMEOUT = 5
PDF_CHECKER = Path(__file__).with_name("pdfcheck.py")
# Web-page code at the start of a file makes it an HTML/PDF polyglot: a browser or mail
# program sniffing the first bytes could run it as a page (old sniffers looked for tags
# anywhere in the first 256 bytes). The first kilobyte of a PDF is its header and first
# objects, never HTML; page text there would have to be uncompressed to be mistaken for it.
HTML_SNIFF_BYTES = 1024
HTML_MARKUP = re.compile(
    rb"<(?:!doctype|!--|\?xml-stylesheet|html|head|body|script|iframe|frame|svg|object|embed|"
    rb"title|style|meta|link|img|plaintext|pre|table|form|base)[\s/>]",
    re.IGNORECASE,
)
MAX_IMAGE_BYTES = 1 * 1024 * 1024
MAX_IMAGE_PIXELS = 4000 * 4000
IMAGE_FORMATS = {"PNG", "JPEG", "WEBP"}


def private_storage():
    """Personal and internal documents (CVs, agreements, minutes): outside the web root,
    served only through views that check who is asking."""
    return storages["private"]


PDF_REFUSALS = {
    "not_pdf": _("The file is not a PDF document."),
    "html_content": _(
        "The file is not a clean PDF document: it also contains web page code. Save it again "
        "as PDF (for example with “Print to PDF”) and retry."
    ),
    "broken": _("The PDF document could not be read. Save it again as PDF and retry."),
    "encrypted": _("The PDF is password-protected. Upload a version without a password."),
    "active_content": _(
        "The PDF contains scripts or automatic actions, which we do not accept. Save it again "
        "as PDF (for example with “Print to PDF”) and retry."
    ),
    "attachments": _(
        "The PDF contains attached files, which we do not accept. Save it again without "
        "attachments and retry."
    ),
    "too_complex": _(
        "The PDF is too complex to check. Save it again as PDF (for example with “Print to "
        "PDF”) and retry."
    ),
    "unavailable": _("The PDF could not be checked just now. Try again in a moment."),
}


def _refuse(verdict):
    code = "broken_pdf" if verdict == "broken" else verdict
    return ValidationError(PDF_REFUSALS[verdict], code=code)


def pdf_structure_problem(data):
    """What is wrong with the file's outline, found without parsing it (cheap), or None:
    `%PDF-` at the very start (the PDF standard's readers tolerate up to 1024 bytes before
    it, which is exactly the room an HTML/PDF polyglot needs; no producer writes any), no
    web-page markup in the first bytes, and `%%EOF` in the last 1024 bytes (cut off uploads)."""
    if not re.match(rb"%PDF-[12]\.\d", data):
        return "html_content" if HTML_MARKUP.search(data[:HTML_SNIFF_BYTES]) else "not_pdf"
    if HTML_MARKUP.search(data[:HTML_SNIFF_BYTES]):
        return "html_content"
    if b"%%EOF" not in data[-1024:]:
        return "broken"
    return None


def check_pdf_content(data):
    """pdfcheck.py's verdict on `data` ("ok", "broken", "encrypted", "active_content",
    "attachments", "too_complex") or "unavailable" when the check could not run."""
    command = [
        sys.executable, "-I", str(PDF_CHECKER),
        "--cpu", str(PDF_CHECK_CPU_SECONDS), "--memory", str(PDF_CHECK_MEMORY_BYTES),
    ]  # fmt: skip
    try:
        done = subprocess.run(
            command, input=data, capture_output=True, timeout=PDF_CHECK_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        return "too_complex"
    except OSError:
        logger.exception("The PDF check could not be started")
        return "unavailable"
    if done.returncode < 0:  # stopped by the kernel: CPU time or memory used up
        return "too_complex"
    try:
        verdict = json.loads(done.stdout.decode().strip().splitlines()[-1])["verdict"]
    except (ValueError, IndexError, KeyError, UnicodeDecodeError):
        logger.error(
            "The PDF check failed (exit %s): %s",
            done.returncode,
            done.stderr.decode(errors="replace")[-2000:],
        )
        return "unavailable"
    return verdict if verdict in PDF_REFUSALS or verdict == "ok" else "unavailable"


@deconstructible
class PdfValidator:
    """A real PDF of at most `max_bytes`: `%PDF-` at its start and no web-page code, then read
    by pypdf in a process with hard limits (pdfcheck.py): it must open, not be encrypted and
    carry no scripts, automatic actions or attached files."""

    def __init__(self, max_bytes=MAX_PDF_BYTES):
        self.max_bytes = max_bytes

    def __call__(self, upload):
        if upload.size > self.max_bytes:
            raise ValidationError(
                _("The file is too large (%(size)s). The limit is %(limit)s."),
                code="too_large",
                params={
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(self.max_bytes),
                },
            )
        upload.seek(0)
        try:
            data = upload.read(self.max_bytes + 1)
        finally:
            upload.seek(0)
        verdict = pdf_structure_problem(data) or check_pdf_content(data)
        if verdict != "ok":
            raise _refuse(verdict)

    def __eq__(self, other):
        return isinstance(other, PdfValidator) and other.max_bytes == self.max_bytes


@deconstructible
class ImageValidator:
    """A PNG, JPEG or WebP image within size and pixel limits."""

    def __call__(self, upload):
        if upload.size > MAX_IMAGE_BYTES:
            raise ValidationError(
                _("The image is too large (%(size)s). The limit is %(limit)s."),
                code="too_large",
                params={
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(MAX_IMAGE_BYTES),
                },
            )
        from PIL import Image

        upload.seek(0)
        try:
            with Image.open(upload) as image:
                kind = image.format
                width, height = image.size
                image.verify()
        except Exception:
            raise ValidationError(
                _("The file is not an image we can read."), code="not_image"
            ) from None
        finally:
            upload.seek(0)
        if kind not in IMAGE_FORMATS:
            raise ValidationError(_("Upload a PNG, JPEG or WebP image."), code="bad_format")
        if width * height > MAX_IMAGE_PIXELS:
            raise ValidationError(
                _("The image has too many pixels. Make it at most 4000 × 4000."),
                code="too_many_pixels",
            )

    def __eq__(self, other):
        return isinstance(other, ImageValidator)
