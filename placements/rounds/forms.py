from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programs.models import Programme

from .models import Round


class DateInput(forms.DateInput):
    input_type = "date"


class RoundForm(forms.ModelForm):
    class Meta:
        model = Round
        fields = [
            "school",
            "programme",
            "title",
            "period_start",
            "period_end",
            "choices_allowed",
            "choices_deadline",
            "confirmation_deadline",
        ]
        widgets = {
            name: DateInput(format="%Y-%m-%d")
            for name in ("period_start", "period_end", "choices_deadline", "confirmation_deadline")
        }

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["school"].empty_label = None
        self.fields["programme"].queryset = Programme.objects.order_by("name")

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        choices, confirm = data.get("choices_deadline"), data.get("confirmation_deadline")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        if choices and choices < timezone.localdate():
            self.add_error("choices_deadline", _("The last day for choices has already passed."))
        if choices and start and choices >= start:
            self.add_error(
                "choices_deadline", _("The choices must close before the period starts.")
            )
        if confirm and choices and confirm > choices:
            self.add_error(
                "confirmation_deadline",
                _("Companies confirm their places before the students' choices close."),
            )
        return data


class FollowUpForm(forms.ModelForm):
    """The new title and last days of a follow-up round; the rest comes from its parent."""

    class Meta:
        model = Round
        fields = ["title", "choices_deadline", "confirmation_deadline"]
        widgets = {
            name: DateInput(format="%Y-%m-%d")
            for name in ("choices_deadline", "confirmation_deadline")
        }

    def __init__(self, *args, parent, **kwargs):
        self.parent = parent
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        choices, confirm = data.get("choices_deadline"), data.get("confirmation_deadline")
        if choices and choices < timezone.localdate():
            self.add_error("choices_deadline", _("The last day for choices has already passed."))
        if choices and choices >= self.parent.period_start:
            self.add_error(
                "choices_deadline", _("The choices must close before the period starts.")
            )
        if confirm and choices and confirm > choices:
            self.add_error(
                "confirmation_deadline",
                _("Companies confirm their places before the students' choices close."),
            )
        return data


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(
        label=gettext_lazy("Places for the round"), min_value=0, max_value=500
    )


class RankingForm(forms.Form):
    """One numbered select (1..N, or none) and a motivation per place: no JavaScript needed."""

    def __init__(self, *args, places, allowed, initial_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.places = list(places)
        self.allowed = allowed
        initial_choices = initial_choices or {}
        numbers = [("", _("Not chosen"))] + [(str(n), str(n)) for n in range(1, allowed + 1)]
        for place in self.places:
            rank, motivation = initial_choices.get(place.pk, ("", ""))
            self.fields[f"rank_{place.pk}"] = forms.TypedChoiceField(
                label=_("Rank"),
                choices=numbers,
                coerce=int,
                empty_value=None,
                required=False,
                initial=str(rank) if rank else "",
            )
            self.fields[f"motivation_{place.pk}"] = forms.CharField(
                label=_("Why this place?"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=motivation,
            )

    def rows(self):
        return [
            (place, self[f"rank_{place.pk}"], self[f"motivation_{place.pk}"])
            for place in self.places
        ]

    def clean(self):
        data = super().clean()
        ranks = [data.get(f"rank_{p.pk}") for p in self.places]
        ranks = [r for r in ranks if r is not None]
        if len(ranks) != len(set(ranks)):
            raise forms.ValidationError(
                _("Give each place its own rank: two places have the same.")
            )
        if len(ranks) > self.allowed:
            raise forms.ValidationError(_("Choose at most %(n)s places.") % {"n": self.allowed})
        return data

    def ranking(self):
        return {
            place.pk: (
                self.cleaned_data[f"rank_{place.pk}"],
                self.cleaned_data.get(f"motivation_{place.pk}", ""),
            )
            for place in self.places
            if self.cleaned_data.get(f"rank_{place.pk}") is not None
        }


class PlaceByHandForm(forms.Form):
    allocation = forms.IntegerField(widget=forms.HiddenInput)
    place = forms.TypedChoiceField(label=gettext_lazy("Place"), coerce=int)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=1000)

    def __init__(self, *args, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = [
            (p.pk, f"{p.offer.organisation.name}: {p.offer.title} ({p.free})") for p in places
        ]
