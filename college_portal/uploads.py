"""Validation of uploaded files by their content, not their name (PDF documents, logo images)."""

from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

MAX_PDF_BYTES = 5 * 1024 * 1024
MAX_IMAGE_BYTES = 1 * 1024 * 1024
MAX_IMAGE_PIXELS = 4000 * 4000
IMAGE_FORMATS = {"PNG", "JPEG", "WEBP"}


def private_storage():
    """Personal and internal documents (CVs, agreements, minutes): outside the web root,
    served only through views that check who is asking."""
    return storages["private"]


@deconstructible
class PdfValidator:
    """A real PDF of at most `max_bytes`: the `%PDF-` signature, then pypdf must open it."""

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
        head = upload.read(1024)
        upload.seek(0)
        if b"%PDF-" not in head:
            raise ValidationError(_("The file is not a PDF document."), code="not_pdf")
        from pypdf import PdfReader

        try:
            reader = PdfReader(upload)
            if reader.is_encrypted:
                raise ValidationError(
                    _("The PDF is password-protected. Upload a version without a password."),
                    code="encrypted",
                )
            len(reader.pages)
        except ValidationError:
            raise
        except Exception:
            raise ValidationError(
                _("The PDF document could not be read. Save it again as PDF and retry."),
                code="broken_pdf",
            ) from None
        finally:
            upload.seek(0)

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
