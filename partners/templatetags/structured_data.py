"""Template tags writing schema.org JSON-LD: a partner's `Organization` on its page, and the
college's own on the home and about pages."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from college_portal.opendata import SCHEMA_ORG, json_ld

from ..structured_data import organisation_json_ld, postal_address

register = template.Library()


@register.simple_tag(takes_context=True)
def partner_json_ld(context, organisation):
    return json_ld(organisation_json_ld(context["request"], organisation))


@register.simple_tag(takes_context=True)
def college_json_ld(context):
    """Teknikcollege Stockholm itself: the partnership, in Stockholm county."""
    request = context["request"]
    return json_ld(
        {
            "@context": SCHEMA_ORG,
            "@type": "Organization",
            "name": "Teknikcollege Stockholm",
            "url": request.build_absolute_uri(reverse("home")),
            "description": _(
                "Teknikcollege Stockholm is a partnership of Region Stockholm, municipalities, "
                "schools and machining companies."
            ),
            "address": postal_address(""),
            "areaServed": {"@type": "AdministrativeArea", "name": "Stockholms län"},
        }
    )
