"""Dates in e-mail written as the pages write them, in the recipient's language.

A notification's context is JSON, so it keeps dates and times as ISO text ("2026-12-02 09:00",
"2026-12-31"); the mail is rendered later, in the recipient's language, by whichever worker
sends it. `as_on_pages` turns that text back into "onsdag 2 december 2026 09:00" or
"31 december 2026" (English: "Wednesday 2 December 2026 09:00")."""

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.formats import date_format

register = template.Library()

DATE_FORMAT = "j F Y"  # the pages' date: templates/placements/offer_detail.html
DATETIME_FORMAT = "l j F Y H:i"  # the pages' time of a study visit


@register.filter
def as_on_pages(value):
    if isinstance(value, str):
        try:
            value = (date if len(value) <= 10 else datetime).fromisoformat(value)
        except ValueError:
            return value  # not a date: shown as it was stored
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return date_format(value, DATETIME_FORMAT)
    if isinstance(value, date):
        return date_format(value, DATE_FORMAT)
    return value
