"""schema.org JSON-LD of partners: an organisation as `Organization` with its address; the
postal address the programmes' and offers' data share."""

from django.urls import reverse

from college_portal.opendata import SCHEMA_ORG, compact

from .municipalities import COUNTY_NAME, municipality_code


def postal_address(municipality, street=""):
    """A `PostalAddress` in Stockholm county; the municipality's SCB code as its identifier."""
    return compact(
        {
            "@type": "PostalAddress",
            "streetAddress": street,
            "addressLocality": municipality,
            "addressRegion": COUNTY_NAME,
            "addressCountry": "SE",
        }
    )


def municipality_place(municipality, *, name="", street=""):
    """A `Place` in `municipality`, with SCB's municipality code as an identifier."""
    code = municipality_code(municipality)
    return compact(
        {
            "@type": "Place",
            "name": name,
            "address": postal_address(municipality, street),
            "identifier": code
            and {"@type": "PropertyValue", "propertyID": "SCB kommunkod", "value": code},
        }
    )


def organisation_json_ld(request, organisation, *, context=True):
    """An organisation's public face: name, its page here, its website, its municipality.
    (No organisation number: a sole trader's is a personal identity number.)"""
    data = {
        "@type": "Organization",
        "name": organisation.name,
        "url": request.build_absolute_uri(
            reverse("partners:detail", kwargs={"slug": organisation.slug})
        ),
        "sameAs": organisation.website,
        "description": organisation.description,
        "logo": organisation.logo and request.build_absolute_uri(organisation.logo.url),
        "address": postal_address(organisation.municipality),
        "identifier": getattr(organisation, "school_unit_code", "")
        and {
            "@type": "PropertyValue",
            "propertyID": "skolenhetskod",
            "value": organisation.school_unit_code,
        },
    }
    if context:
        data = {"@context": SCHEMA_ORG, **data}
    return compact(data)
