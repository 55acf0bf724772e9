"""The accessibility feedback form: a message is required, everything else optional."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _


class AccessibilityFeedbackForm(forms.Form):
    message = forms.CharField(
        label=_("Your message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What did not work, and what were you trying to do?"),
        error_messages={"required": _("Write what did not work for you.")},
    )
    page = forms.CharField(
        label=_("Page concerned"),
        max_length=500,
        required=False,
        help_text=_("The address or the name of the page, if the problem is on one page."),
    )
    name = forms.CharField(
        label=_("Your name"), max_length=150, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )  # fmt: skip
    email = forms.EmailField(
        label=_("Your e-mail address"),
        required=False,
        help_text=_("Only if you want an answer."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    # One value per page shown: a second click on Send repeats the same submission, which the
    # outbox's event key then keeps to one mail per project lead.
    submission = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission", uuid.uuid4().hex)

    def clean_submission(self):
        value = self.cleaned_data["submission"]
        return value if value.isalnum() else ""
