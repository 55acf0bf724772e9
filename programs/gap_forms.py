"""The choices of the demand/supply pages (round, supply year, municipality, horizon, measure)
and the form school staff and leads enter supply figures with."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from college_portal.widgets import PlainSelect
from partners.municipalities import MUNICIPALITY_CHOICES

from .gap import HORIZONS, MEASURES, latest_round
from .models import InventoryRound
from .supply import FIRST_YEAR, LAST_YEAR, MAX_FIGURE


class RoundChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class GapFilter(forms.Form):
    round = RoundChoiceField(
        label=_("Needs inventory"),
        queryset=InventoryRound.objects.order_by("-year", "-opened_at"),
        required=False,
        empty_label=_("The latest"),
    )
    year = forms.IntegerField(
        label=_("Supply in the year"),
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        required=False,
        help_text=_("Empty: the inventory's year."),
    )
    municipality = forms.ChoiceField(
        label=_("Municipality"),
        choices=[("", _("All of Stockholm county")), *MUNICIPALITY_CHOICES],
        required=False,
        widget=PlainSelect,
    )
    horizon = forms.TypedChoiceField(
        label=_("Need within"),
        choices=[(1, _("1 year")), (3, _("3 years")), (5, _("5 years"))],
        coerce=int,
        required=False,
    )
    measure = forms.ChoiceField(
        label=_("Supply counted as"),
        choices=list(MEASURES.items()),
        required=False,
    )

    def choices(self):
        """The valid choices, the defaults in place of empty or invalid ones (the errors are
        shown beside the fields)."""
        data = {}
        if self.is_bound:
            self.is_valid()  # cleaned_data then holds the valid fields only
            data = self.cleaned_data
        round_ = data.get("round") or latest_round()
        horizon = data.get("horizon")
        return {
            "round_": round_,
            "year": data.get("year") or (round_.year if round_ else timezone.localdate().year),
            "municipality": data.get("municipality") or "",
            "horizon": horizon if horizon in HORIZONS else 1,
            "measure": data.get("measure") or "seats",
        }


class SupplyForm(forms.Form):
    """One intake's figures of one year."""

    admitted = forms.IntegerField(label=_("Admitted"), min_value=0, max_value=MAX_FIGURE)
    completed = forms.IntegerField(
        label=pgettext_lazy("supply", "Completed"), min_value=0, max_value=MAX_FIGURE
    )
    intake = forms.IntegerField(widget=forms.HiddenInput)
    year = forms.IntegerField(widget=forms.HiddenInput, min_value=FIRST_YEAR, max_value=LAST_YEAR)
