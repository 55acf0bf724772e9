"""Forms of the partners app."""

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from .models import MembershipRole, Organisation, OrganisationKind, PartnerRoleKind


class AcceptInvitationForm(forms.Form):
    """A new representative sets their name and password when accepting an invitation."""

    full_name = forms.CharField(
        label=_("Full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords do not match."))
        elif p1:
            from college_portal.accounts.models import User

            probe = User(email=self.email, full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class InviteContactsForm(forms.Form):
    """Invite one or more contacts: a pasted list of addresses, their role and mail language."""

    addresses = forms.CharField(
        label=_("E-mail addresses"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One or more addresses, separated by new lines, commas or semicolons."),
    )
    role = forms.ChoiceField(label=_("Role in the organisation"), choices=MembershipRole.choices)
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=settings.LANGUAGES)

    def clean_addresses(self):
        from .services import parse_addresses

        valid, invalid = parse_addresses(self.cleaned_data["addresses"])
        if invalid:
            raise forms.ValidationError(
                _("These are not valid e-mail addresses: %(addresses)s"),
                params={"addresses": ", ".join(invalid)},
                code="invalid",
            )
        if not valid:
            raise forms.ValidationError(_("Enter at least one e-mail address."), code="required")
        if len(valid) > 50:
            raise forms.ValidationError(_("Invite at most 50 people at a time."), code="too_many")
        return valid


class OrganisationProfileForm(forms.ModelForm):
    remove_logo = forms.BooleanField(label=_("Remove the current logo"), required=False)

    class Meta:
        model = Organisation
        fields = ["description", "website", "logo"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "logo": forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
        }


class PartnerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *OrganisationKind.choices]
    )
    role = forms.ChoiceField(
        label=_("Role in the partnership"),
        required=False,
        choices=[("", _("All roles")), *PartnerRoleKind.choices],
    )
