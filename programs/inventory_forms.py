"""The representative's answer form of a needs inventory: one small form per competence area."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .inventory import HORIZONS, MAX_NEED, check_need


def _need_field(label):
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=MAX_NEED,
        required=False,  # empty counts as 0: no need in that area
        widget=forms.NumberInput(attrs={"class": "need-input", "inputmode": "numeric"}),
    )


class NeedForm(forms.Form):
    within_1_year = _need_field(_("Within 1 year"))
    within_3_years = _need_field(_("Within 3 years"))
    within_5_years = _need_field(_("Within 5 years"))
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 30}),
    )

    def __init__(self, *args, area, answer=None, **kwargs):
        self.area = area
        if answer is not None:
            kwargs["initial"] = {
                "within_1_year": answer.within_1_year,
                "within_3_years": answer.within_3_years,
                "within_5_years": answer.within_5_years,
                "comment": answer.comment,
            }
        else:
            kwargs["initial"] = dict.fromkeys(HORIZONS, 0)
        super().__init__(*args, prefix=f"area-{area.pk}", **kwargs)

    def clean(self):
        cleaned = super().clean()
        if any(name in self.errors for name in HORIZONS):
            return cleaned
        for name in HORIZONS:
            if cleaned.get(name) is None:
                cleaned[name] = 0
        for name, message in check_need(*(cleaned[name] for name in HORIZONS)).items():
            self.add_error(name, message)
        return cleaned


def need_forms(rows, data=None):
    """One NeedForm per (area, current answer) row, bound to `data` when given."""
    return [NeedForm(data, area=area, answer=answer) for area, answer in rows]
