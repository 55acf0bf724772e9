"""Helpers shared by the placements views."""

from django.contrib import messages
from django.core.exceptions import ValidationError


def report_errors(request, error: ValidationError):
    for message in error.messages:
        messages.error(request, message)


def with_status_labels(history, statuses):
    """The status changes, each with `from_label` and `to_label`: the statuses' display names
    (the rows store the values, e.g. "submitted", which are not for the reader)."""
    labels = dict(statuses.choices)
    for change in history:
        change.from_label = labels.get(change.from_status, change.from_status)
        change.to_label = labels.get(change.to_status, change.to_status)
    return history
