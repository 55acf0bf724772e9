"""The panels partners adds to shared pages (home, dashboard), built on its selectors."""

from django.utils.translation import gettext_lazy as _

from .selectors import memberships_of, partnership_numbers


def home_partners(request):
    numbers = partnership_numbers()
    return "partners/home_section.html", {
        "organisations": numbers["organisations"],
        "numbers": [
            (len(numbers["organisations"]), _("partners")),
            (numbers["companies"], _("companies")),
            (numbers["municipalities"], _("municipalities")),
        ],
    }


def dashboard_organisations(request):
    if request.user.is_student:
        return None
    return "partners/dashboard_section.html", {"memberships": memberships_of(request.user)}
