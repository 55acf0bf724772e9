"""Forms of the APL agreement: the company's agreement and final assessment, the school's
answer on the student's age."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .agreements import objective_choices, period_weeks
from .models import AssessmentLevel, PlacementAgreement, RiskItem

AGREEMENT_FIELDS = [
    "supervisor_name",
    "supervisor_email",
    "supervisor_phone",
    "supervisor_trained",
    "objectives",
    "working_hours",
    "address",
    *(item.value for item in RiskItem),
    "risk_comment",
]


class AgreementForm(forms.ModelForm):
    class Meta:
        model = PlacementAgreement
        fields = AGREEMENT_FIELDS
        widgets = {
            "objectives": forms.CheckboxSelectMultiple,
            "working_hours": forms.Textarea(attrs={"rows": 3}),
            "risk_comment": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "working_hours": _("For example: Monday to Friday 7.00–15.30, lunch 11.30–12.00."),
        }

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the student's programme's courses are offered; the service checks it again.
        self.fields["objectives"].queryset = objective_choices(application)

    def values(self):
        data = self.cleaned_data
        return {name: data[name] for name in AGREEMENT_FIELDS if name != "objectives"}


class AgeForm(forms.Form):
    under_18 = forms.TypedChoiceField(
        label=_("Is the student under 18?"),
        choices=[("yes", _("Yes, under 18")), ("no", _("No, 18 or older"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )


class AssessmentForm(forms.Form):
    """A level and a comment for each of the agreement's objectives."""

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        existing = {a.course_id: a for a in agreement.assessments.all()}
        self.objectives = list(agreement.objectives.all())
        for course in self.objectives:
            given = existing.get(course.pk)
            self.fields[f"level_{course.pk}"] = forms.ChoiceField(
                label=str(course),
                choices=AssessmentLevel.choices,
                widget=forms.RadioSelect,
                initial=given.level if given else None,
            )
            self.fields[f"comment_{course.pk}"] = forms.CharField(
                label=_("Comment on %(course)s") % {"course": course.name},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=given.comment if given else "",
            )

    def levels(self):
        data = self.cleaned_data
        return {
            course.pk: (data[f"level_{course.pk}"], data[f"comment_{course.pk}"])
            for course in self.objectives
        }


class ConversationForm(forms.Form):
    on = forms.DateField(
        label=_("Date of the three-party conversation"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    notes = forms.CharField(
        label=_("Notes from the conversation"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class AttendanceForm(forms.Form):
    """Days present (0–5) for each week of the placement period; empty leaves it unrecorded."""

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        given = {row.week: row.days_present for row in agreement.attendance.all()}
        self.weeks = period_weeks(agreement.application.offer)
        for week in self.weeks:
            self.fields[f"week_{week:%Y-%m-%d}"] = forms.IntegerField(
                label=_("Week %(number)s (from %(monday)s)")
                % {"number": week.isocalendar().week, "monday": week.strftime("%Y-%m-%d")},
                required=False,
                min_value=0,
                max_value=5,
                initial=given.get(week),
            )

    def days(self):
        return {week: self.cleaned_data[f"week_{week:%Y-%m-%d}"] for week in self.weeks}
