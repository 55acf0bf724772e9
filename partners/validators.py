"""Validators of partner data: Swedish organisation numbers and school unit codes."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.se import orgnr


def normalise_organisation_number(value):
    """Return `value` as NNNNNN-NNNN, or raise ValidationError saying what is wrong."""
    raw = (value or "").strip()
    digits = orgnr.compact(raw)
    if not digits.isdigit():
        raise ValidationError(
            _("An organisation number has digits only, like 556677-8899."), code="invalid_chars"
        )
    if len(digits) != 10:
        raise ValidationError(
            _("An organisation number has 10 digits, like 556677-8899."), code="invalid_length"
        )
    try:
        orgnr.validate(digits)
    except stdnum_errors.InvalidChecksum:
        raise ValidationError(
            _("The check digit does not match: check the number for a typing error."),
            code="invalid_checksum",
        ) from None
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _("This is not a valid organisation number."), code="invalid"
        ) from None
    return orgnr.format(digits)


def validate_organisation_number(value):
    normalise_organisation_number(value)


def validate_school_unit_code(value):
    """A skolenhetskod (Skolverket's school unit code) is exactly 8 digits."""
    if value and not (len(value) == 8 and value.isascii() and value.isdigit()):
        raise ValidationError(
            _("A school unit code (skolenhetskod) has exactly 8 digits, like 12345678."),
            code="invalid_school_unit_code",
        )
