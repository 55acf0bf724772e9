"""Dates the portal can store and show: one range for every date and time a person or admin
enters, checked on the field (a form error in the user's language) and by the database (a
CheckConstraint, so a service, an .update() or an admin bulk action cannot store one either).

Why a range at all: Django accepts year 1, and in Europe/Stockholm's historical offset an early
time becomes a BC timestamp the database driver cannot read back, so every page that loads the
row answers 500; a year like 9999 is a typing error nobody means."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Case, CheckConstraint, F, Q, Value, When
from django.utils.deconstruct import deconstructible
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2100, 12, 31)
# The same calendar days as instants: from midnight local time on the first day up to (not
# including) midnight after the last. The migrations hold them in UTC.
_LOCAL = ZoneInfo(settings.TIME_ZONE)
EARLIEST_MOMENT = datetime(EARLIEST_DATE.year, 1, 1, tzinfo=_LOCAL)
END_OF_RANGE = datetime(LATEST_DATE.year + 1, 1, 1, tzinfo=_LOCAL)

OUT_OF_RANGE = _("Enter a date between %(earliest)s and %(latest)s.")
_PARAMS = {"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()}
# The constraint's message has no placeholders left (Django puts the constraint's name in).
_out_of_range_text = lazy(lambda: str(OUT_OF_RANGE) % _PARAMS, str)


@deconstructible
class SaneDateValidator:
    """A date, or a date and time, on a day from EARLIEST_DATE to LATEST_DATE (a date and time
    is judged by the calendar day it was entered for, so year 1 never reaches a time-zone
    conversion that could overflow)."""

    code = "date_out_of_range"

    def __call__(self, value):
        if value is None:
            return
        day = value.date() if isinstance(value, datetime) else value
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            raise ValidationError(OUT_OF_RANGE, code=self.code, params=_PARAMS)

    def __eq__(self, other):
        return isinstance(other, SaneDateValidator)


validate_sane_date = SaneDateValidator()


def sane_date_constraint(field, *, name, null=False, with_time=False):
    """The database's side of `validate_sane_date` for one field: a DateField (`with_time`
    False) or a DateTimeField; `null` when the field may be empty."""
    if with_time:
        condition = Q(**{f"{field}__gte": EARLIEST_MOMENT, f"{field}__lt": END_OF_RANGE})
    else:
        condition = Q(**{f"{field}__gte": EARLIEST_DATE, f"{field}__lte": LATEST_DATE})
    if null:
        condition = Q(**{f"{field}__isnull": True}) | condition
    return CheckConstraint(
        condition=condition,
        name=name,
        violation_error_code=SaneDateValidator.code,
        violation_error_message=_out_of_range_text(),
    )


def _bounds(field):
    if field.get_internal_type() == "DateTimeField":
        # The latest value put in is the start of the last day, so a time an hour later
        # (a study visit's end) is still inside the range.
        return EARLIEST_MOMENT, datetime(LATEST_DATE.year, 12, 31, tzinfo=_LOCAL), END_OF_RANGE
    return EARLIEST_DATE, LATEST_DATE, LATEST_DATE + timedelta(days=1)


def out_of_range(model, name):
    """Rows whose `name` lies outside the range (read in SQL, never loaded: a BC timestamp
    cannot be read back)."""
    low, _latest, end = _bounds(model._meta.get_field(name))
    return Q(**{f"{name}__lt": low}) | Q(**{f"{name}__gte": end})


def into_range(model, name):
    """`name` moved to the nearest end of the range when outside it, as an SQL expression."""
    low, latest, end = _bounds(model._meta.get_field(name))
    field = model._meta.get_field(name)
    return Case(
        When(**{f"{name}__lt": low}, then=Value(low, output_field=field)),
        When(**{f"{name}__gte": end}, then=Value(latest, output_field=field)),
        default=F(name),
    )


def bring_dates_into_range(model, *names):
    """For the migration that adds the constraints to tables that may already hold such dates:
    every date of `names` outside the range is moved to the nearest end of it, in one UPDATE
    per table (ordering rules such as start ≤ end still hold: moving both to the nearer end
    keeps their order). Returns the number of rows changed."""
    outside = Q()
    for name in names:
        outside |= out_of_range(model, name)
    return model._base_manager.filter(outside).update(
        **{name: into_range(model, name) for name in names}
    )
