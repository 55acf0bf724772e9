from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

MAX_ASSESSMENT_LENGTH = 20_000


class AssessmentForm(forms.Form):
    text = forms.CharField(
        label=_("The steering group's assessment"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=MAX_ASSESSMENT_LENGTH,
        help_text=_("Saving keeps the earlier version in the history."),
    )

    def __init__(self, *args, criterion, **kwargs):
        super().__init__(*args, prefix=f"c{criterion.number}", **kwargs)
        # Eight of these on one page: each label names its criterion.
        self.fields["text"].label = gettext("The steering group's assessment of %(name)s") % {
            "name": criterion.name
        }


class FreezeForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I understand that the figures and assessments of this year will no longer change."
        ),
        error_messages={"required": _("Tick the box to confirm that the report is to be frozen.")},
    )
