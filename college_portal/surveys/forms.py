"""The survey form: four statements on a 1–5 scale and a free text."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import QUESTIONS, EventKind, RespondentKind

SCALE_CHOICES = [
    (1, pgettext_lazy("survey scale", "1 – Disagree completely")),
    (2, pgettext_lazy("survey scale", "2 – Mostly disagree")),
    (3, pgettext_lazy("survey scale", "3 – Partly agree")),
    (4, pgettext_lazy("survey scale", "4 – Mostly agree")),
    (5, pgettext_lazy("survey scale", "5 – Agree completely")),
]

# The statements, per respondent: the same four things asked from where each one stands.
STATEMENTS = {
    RespondentKind.STUDENT: {
        "expectations": _("The placement met my expectations."),
        "learning": _("I learned what I needed for my education."),
        "communication": _("Communication with the company and the school worked well."),
        "recommend": _("I would recommend it to other students."),
    },
    RespondentKind.SUPERVISOR: {
        "expectations": _("The placement met our expectations."),
        "learning": _("The student learned what the education needs."),
        "communication": _("Communication with the school worked well."),
        "recommend": _("We would take a student from the programme again."),
    },
    RespondentKind.SCHOOL_STAFF: {
        "expectations": _("The placement met my expectations."),
        "learning": _("The students learned what they needed for their education."),
        "communication": _("Communication with the company worked well."),
        "recommend": _("I would recommend it to colleagues."),
    },
}
VISIT_STATEMENTS = {
    RespondentKind.STUDENT: {
        "expectations": _("The study visit met my expectations."),
        "learning": _("I learned something useful for my education."),
        "communication": _("Information before the visit worked well."),
        "recommend": _("I would recommend the visit to other students."),
    },
    RespondentKind.SUPERVISOR: {
        "expectations": _("The study visit went as we had planned."),
        "learning": _("The visitors showed interest in the work we do."),
        "communication": _("Communication with the school before the visit worked well."),
        "recommend": _("We would welcome visitors from the programme again."),
    },
    RespondentKind.SCHOOL_STAFF: {
        "expectations": _("The study visit met my expectations."),
        "learning": _("The students learned something useful for their education."),
        "communication": _("Communication with the company worked well."),
        "recommend": _("I would recommend the visit to colleagues."),
    },
}


def statements(invitation):
    if invitation.event_kind == EventKind.STUDY_VISIT:
        chosen = VISIT_STATEMENTS.get(invitation.respondent_kind)
        if chosen:
            return chosen
    return STATEMENTS[invitation.respondent_kind]


class SurveyForm(forms.Form):
    comment = forms.CharField(
        label=_("Anything else you want to tell us?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, invitation, **kwargs):
        super().__init__(*args, **kwargs)
        texts = statements(invitation)
        for name in QUESTIONS:
            self.fields[name] = forms.TypedChoiceField(
                label=texts[name],
                choices=SCALE_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose an answer from 1 to 5."),
                    "invalid_choice": _("Choose an answer from 1 to 5."),
                },
            )
        self.order_fields([*QUESTIONS, "comment"])

    def questions(self):
        return [self[name] for name in QUESTIONS]

    def scores(self):
        return {name: self.cleaned_data[name] for name in QUESTIONS}
