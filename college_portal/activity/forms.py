"""The project leads' filters of the activity log."""

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from . import actions
from .models import ActivityEntry

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ObjectTypeField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        model = obj.model_class()
        return str(model._meta.verbose_name).capitalize() if model else obj.model


class ActivityFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("What happened"), required=False)
    object_type = ObjectTypeField(
        label=_("Kind of object"),
        required=False,
        empty_label=_("All kinds"),
        queryset=ContentType.objects.none(),
    )
    date_from = forms.DateField(label=_("From date"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To date"), required=False, widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Everything")), *actions.choices()]
        # Only kinds that have entries: one query, whatever the size of the log.
        self.fields["object_type"].queryset = ContentType.objects.filter(
            pk__in=ActivityEntry.objects.values("content_type")
        ).order_by("app_label", "model")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date cannot be before the start date."))
        return cleaned

    def filter(self, entries):
        data = self.cleaned_data
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["object_type"]:
            entries = entries.filter(content_type=data["object_type"])
        if data["date_from"]:
            entries = entries.filter(created_at__date__gte=data["date_from"])
        if data["date_to"]:
            entries = entries.filter(created_at__date__lte=data["date_to"])
        return entries
