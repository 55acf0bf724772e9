"""Helpers shared by the placements views."""

from django.contrib import messages
from django.core.exceptions import ValidationError


def report_errors(request, error: ValidationError):
    for message in error.messages:
        messages.error(request, message)
