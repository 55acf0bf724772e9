"""Forms of placements: offers with slots, applications, decisions, bookings, filters, profile,
class invitations."""

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from college_portal.pagecache import cached_public_data
from college_portal.widgets import PlainSelect
from partners.models import Organisation, OrganisationKind
from partners.municipalities import MUNICIPALITY_CHOICES
from programs.models import Programme

from .models import Application, Offer, OfferKind, Slot, StudentProfile
from .search import search as search_offers

MAX_CLASS_ADDRESSES = 50  # a class, with room to spare

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class OfferForm(forms.ModelForm):
    class Meta:
        model = Offer
        fields = [
            "organisation", "kind", "title", "description", "municipality", "address",
            "programmes", "prerequisites", "places", "application_deadline",
            "period_start", "period_end", "contact_name", "contact_email", "contact_phone",
        ]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "prerequisites": forms.Textarea(attrs={"rows": 3}),
            "programmes": forms.CheckboxSelectMultiple,
            "application_deadline": DATE,
            "period_start": DATE,
            "period_end": DATE,
        }

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].empty_label = None
        self.fields["programmes"].queryset = Programme.objects.published().order_by("name")
        if self.instance.pk:
            del self.fields["organisation"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        deadline = cleaned.get("application_deadline")
        if deadline and start and deadline > start:
            self.add_error(
                "application_deadline", _("The deadline must be before the period starts.")
            )
        if cleaned.get("kind") == OfferKind.INTERNSHIP and not (start and end):
            self.add_error("period_start", _("Give the internship's period."))
        return cleaned


class SlotForm(forms.ModelForm):
    class Meta:
        model = Slot
        fields = ["starts_at", "ends_at", "capacity"]
        widgets = {"starts_at": DATETIME, "ends_at": DATETIME}

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The visit must end after it starts."))
        # Capacity against places booked is `save_slots`'s rule, checked as it writes.
        return cleaned


class BaseSlotFormSet(forms.BaseInlineFormSet):
    """The times of an offer booked on times. Validates; the changes are written by `save_slots`, never
    by `save()`, which would write back the `places_taken` read when the form was loaded."""

    def get_queryset(self):
        # A cancelled time stays in the history of its bookings, not in the form.
        return super().get_queryset().filter(cancelled_at__isnull=True)

    def changes(self):
        """What to pass to `save_slots`: (added, changed, removed)."""
        added, changed, removed = [], [], []
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                if form.instance.pk:
                    removed.append(form.instance.pk)
            elif form.instance.pk:
                if form.has_changed():
                    changed.append((form.instance.pk, form.cleaned_data))
            elif form.has_changed():
                added.append(form.cleaned_data)
        return {"added": added, "changed": changed, "removed": removed}

    def show_refusal(self, error):
        """Put `save_slots`'s refusal next to the time (and field) it is about."""
        by_slot = {form.instance.pk: form for form in self.forms if form.instance.pk}
        rest = []
        for item in error.error_list:
            params = item.params or {}
            form = by_slot.get(params.get("slot"))
            if form is None:
                rest.extend(item.messages)
            else:
                form.add_error(params.get("field"), item.message)
        if rest:
            self._non_form_errors = self.error_class(rest)


SlotFormSet = forms.inlineformset_factory(
    Offer,
    Slot,
    form=SlotForm,
    formset=BaseSlotFormSet,
    extra=2,
    can_delete=True,
    can_delete_extra=False,  # a new, empty time has nothing to delete
    max_num=20,
)


class ApplicationForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ["motivation", "cv"]
        widgets = {
            "motivation": forms.Textarea(attrs={"rows": 6}),
            "cv": forms.FileInput(attrs={"accept": "application/pdf"}),
        }
        help_texts = {
            "motivation": _(
                "Why this internship? What do you know already, what do you want to learn?"
            )
        }

    def clean_motivation(self):
        text = self.cleaned_data["motivation"].strip()
        if len(text) < 20:
            raise forms.ValidationError(_("Write a few sentences (at least 20 characters)."))
        return text


DECISION_LABELS = {"accept": _("Accept"), "waitlist": _("Wait-list"), "decline": _("Decline")}


class DecisionForm(forms.Form):
    """The decisions the application still allows (`Application.allowed_decisions`)."""

    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    message = forms.CharField(
        label=_("Message to the student (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [
            (decision, DECISION_LABELS[decision]) for decision in application.allowed_decisions
        ]


class BookingForm(forms.Form):
    slot = forms.ModelChoiceField(
        label=_("Time"), queryset=Slot.objects.none(), empty_label=None, widget=forms.RadioSelect
    )
    group_size = forms.IntegerField(
        label=_("Number of people"), min_value=1, max_value=60, initial=1
    )
    class_name = forms.CharField(label=_("Class"), max_length=60, required=False)
    teacher_contact = forms.CharField(
        label=_("Teacher's contact (phone or e-mail)"), max_length=150, required=False
    )

    def __init__(self, *args, offer, for_group, **kwargs):
        super().__init__(*args, **kwargs)
        slots = offer.slots.bookable().order_by("starts_at")
        self.fields["slot"].queryset = slots
        self.fields["slot"].label_from_instance = lambda s: (
            ngettext(
                "%(start)s – %(left)d place left", "%(start)s – %(left)d places left", s.places_left
            )
            % {
                "start": timezone.localtime(s.starts_at).strftime("%Y-%m-%d %H:%M"),
                "left": s.places_left,
            }
        )
        if not for_group:
            for name in ("group_size", "class_name", "teacher_contact"):
                del self.fields[name]
            return
        self.fields["teacher_contact"].required = True
        if offer.kind == OfferKind.TEACHER_PLACEMENT:
            # One or more teachers come: no class.
            self.fields["group_size"].label = _("Number of teachers")
            del self.fields["class_name"]
        else:
            self.fields["class_name"].required = True
            if offer.kind == OfferKind.GUEST_LECTURE:
                self.fields["group_size"].label = _("Number of students in the class")


def _programmes_with_listed_offers():
    links = Offer.programmes.through.objects.filter(
        programme=OuterRef("pk"), offer__in=Offer.objects.listed().values("pk")
    )
    return list(
        Programme.objects.published()
        .filter(Exists(links))
        .order_by("name")
        .values_list("slug", "name")
    )


def _companies_with_listed_offers():
    return list(
        Organisation.objects.filter(kind=OrganisationKind.COMPANY, active=True)
        .filter(Exists(Offer.objects.listed().filter(organisation=OuterRef("pk"))))
        .order_by("name")
        .values_list("slug", "name")
    )


class OfferFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search", max_length=100)
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=OfferKind.choices, empty_label=_("All kinds"), widget=PlainSelect
    )
    municipality = django_filters.ChoiceFilter(
        label=_("Municipality"),
        choices=MUNICIPALITY_CHOICES,
        empty_label=_("All municipalities"),
        widget=PlainSelect,
    )
    # Choices set per request: only programmes and companies with offers listed now, so the
    # lists do not grow with everything ever registered (slug and name, one query each).
    programme = django_filters.ChoiceFilter(
        label=_("Programme"),
        method="filter_programme",
        empty_label=_("All programmes"),
        widget=PlainSelect,
    )
    company = django_filters.ChoiceFilter(
        label=_("Company"),
        field_name="organisation__slug",
        empty_label=_("All companies"),
        widget=PlainSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The same for everyone until an offer, programme or organisation changes: cached.
        self.filters["programme"].extra["choices"] = cached_public_data(
            "offer-filter:programmes", _programmes_with_listed_offers
        )
        self.filters["company"].extra["choices"] = cached_public_data(
            "offer-filter:companies", _companies_with_listed_offers
        )

    class Meta:
        model = Offer
        fields = ["q", "kind", "municipality", "programme", "company"]

    def filter_programme(self, queryset, name, value):
        # EXISTS, not a join: an offer is listed once, with no DISTINCT over every column.
        links = Offer.programmes.through.objects.filter(offer=OuterRef("pk"), programme__slug=value)
        return queryset.filter(Exists(links))

    def filter_search(self, queryset, name, value):
        return search_offers(queryset, value)


class StudentProfileForm(forms.ModelForm):
    class Meta:
        model = StudentProfile
        fields = ["school", "programme", "municipality", "interest_kind", "digest"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = Organisation.objects.filter(
            kind=OrganisationKind.SCHOOL, active=True
        )
        self.fields["programme"].queryset = Programme.objects.published()
        self.fields["school"].help_text = _(
            "Your school's staff see your applications once they have confirmed that you study there."
        )


class SlotCancelForm(forms.Form):
    message = forms.CharField(
        label=_("Message to everyone booked"),
        help_text=_("Why the time is cancelled, and what they can do instead (another time?)."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write a message to those who have booked.")},
    )


class ClassInvitationForm(forms.Form):
    """School staff invite a class: the school (when they work at several), the class, the
    students' addresses pasted as they come, and the language of the e-mail."""

    school = forms.ModelChoiceField(
        label=_("School"), queryset=Organisation.objects.none(), empty_label=None
    )
    class_name = forms.CharField(
        label=_("Class"),
        max_length=30,
        help_text=_("For example TE22A."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    addresses = forms.CharField(
        label=_("The students' e-mail addresses"),
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text=_(
            "One per line, or separated by commas or semicolons. Addresses that are not valid "
            "are reported back; the others are invited."
        ),
    )
    language = forms.ChoiceField(label=_("Language of the e-mail"), choices=settings.LANGUAGES)

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.schools = list(schools)
        if len(self.schools) > 1:
            self.fields["school"].queryset = Organisation.objects.filter(
                pk__in=[s.pk for s in self.schools]
            )
        else:
            del self.fields["school"]  # one school: nothing to choose

    def clean_class_name(self):
        class_name = " ".join(self.cleaned_data["class_name"].split())
        if not class_name:
            raise forms.ValidationError(_("Enter the name of the class."), code="required")
        return class_name

    def clean_addresses(self):
        from partners.services import parse_addresses

        valid, invalid = parse_addresses(self.cleaned_data["addresses"])
        if not valid and not invalid:
            raise forms.ValidationError(_("Enter at least one e-mail address."), code="required")
        if len(valid) + len(invalid) > MAX_CLASS_ADDRESSES:
            raise forms.ValidationError(
                _("Invite at most %(count)d students at a time."),
                params={"count": MAX_CLASS_ADDRESSES},
                code="too_many",
            )
        return valid + invalid  # the invalid ones are reported back by the service

    def chosen_school(self):
        return self.cleaned_data["school"] if "school" in self.fields else self.schools[0]
