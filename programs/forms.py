"""Forms of the programs app: catalogue filters and requirements."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from college_portal.widgets import PlainSelect
from partners.models import Organisation, OrganisationKind
from partners.municipalities import MUNICIPALITY_CHOICES

from .models import CompetenceArea, CompetenceRequirement, Level, Programme
from .search import search


class CatalogueFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search", max_length=100)
    level = django_filters.ChoiceFilter(
        label=_("Level"), choices=Level.choices, empty_label=_("All levels"), widget=PlainSelect
    )
    municipality = django_filters.ChoiceFilter(
        label=_("Municipality"),
        choices=MUNICIPALITY_CHOICES,
        empty_label=_("All municipalities"),
        widget=PlainSelect,
    )
    # Choices set per request: only schools with programmes in the catalogue (slug and name).
    provider = django_filters.ChoiceFilter(
        label=_("School"),
        field_name="provider__slug",
        empty_label=_("All schools"),
        widget=PlainSelect,
    )
    open_now = django_filters.BooleanFilter(
        label=_("Open for applications now"),
        method="filter_open_now",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Programme
        fields = ["q", "level", "municipality", "provider", "open_now"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        listed = self.queryset.filter(provider=OuterRef("pk"))
        self.filters["provider"].extra["choices"] = list(
            Organisation.objects.filter(kind=OrganisationKind.SCHOOL, active=True)
            .filter(Exists(listed))
            .order_by("name")
            .values_list("slug", "name")
        )

    def filter_search(self, queryset, name, value):
        return search(queryset, value)

    def filter_open_now(self, queryset, name, value):
        return queryset.with_open_intake() if value else queryset

    @property
    def qs(self):
        queryset = super().qs
        if not (self.form.is_valid() and self.form.cleaned_data.get("q")):
            queryset = queryset.order_by("name")
        return queryset


class RequirementForm(forms.ModelForm):
    class Meta:
        model = CompetenceRequirement
        fields = ["organisation", "title", "description", "importance", "programmes", "areas"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "programmes": forms.CheckboxSelectMultiple,
            "importance": forms.RadioSelect,
            "areas": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "title": _('One competence, e.g. "Reads drawings to ISO GPS".'),
            "programmes": _("The programmes that should give this competence."),
            "areas": _("The competence areas it belongs to, where you also state your need."),
        }

    def __init__(self, *args, setters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = setters
        self.fields["organisation"].empty_label = None
        self.fields["programmes"].queryset = Programme.objects.published().order_by("name")
        # Active areas, and those already tagged (an area retired since stays until untagged).
        areas = CompetenceArea.objects.filter(active=True)
        if self.instance.pk:
            areas = areas | CompetenceArea.objects.filter(requirements=self.instance)
        self.fields["areas"].queryset = areas.distinct()
        if setters.count() == 1 and not self.is_bound:
            self.fields["organisation"].initial = setters.first()
        if self.instance.pk:
            # The setting organisation of an existing requirement does not change.
            del self.fields["organisation"]
