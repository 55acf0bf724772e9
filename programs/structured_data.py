"""schema.org JSON-LD of a programme page: the programme as `EducationalOccupationalProgram`
with its courses (`Course`), every open intake as an `Offer`, the occupations it leads to
(SSYK 2012) and its provider.

schema.org gives the programme no `location` and no `inLanguage`: where it is taught is the
provider's address and each intake offer's `availableAtOrFrom`; the language of instruction
is each course's `inLanguage` (a Course is a CreativeWork).
"""

from django.utils.translation import gettext as _

from college_portal.opendata import SCHEMA_ORG, compact
from partners.structured_data import municipality_place, organisation_json_ld

from .models import Level, StudyPace

SSYK = {"@type": "CategoryCodeSet", "name": "SSYK 2012"}


def _credential(level):
    return {
        Level.UPPER_SECONDARY: _("Upper-secondary vocational diploma (yrkesexamen)"),
        Level.ADULT: _("Grades in upper-secondary vocational courses (Komvux)"),
        Level.HIGHER_VOCATIONAL: _("Higher vocational education diploma (yrkeshögskoleexamen)"),
    }.get(level, "")


def _prerequisites(level):
    return {
        Level.UPPER_SECONDARY: _(
            "Completed compulsory school with the grades that qualify for a vocational programme"
        ),
        Level.ADULT: _("Adults who lack an upper-secondary education or want to add to it"),
        Level.HIGHER_VOCATIONAL: _("Basic eligibility for higher vocational education"),
    }.get(level, "")


def category_codes(occupations):
    """`occupations` (`programs.selectors.Occupation`s) as schema.org `CategoryCode`s in
    SSYK 2012."""
    codes = []
    for occupation in occupations:
        if not occupation.ssyk_code:
            continue
        concept = getattr(occupation, "concept_id", "")
        codes.append(
            compact(
                {
                    "@type": "CategoryCode",
                    "codeValue": occupation.ssyk_code,
                    "inCodeSet": SSYK,
                    "name": occupation.name,
                    "identifier": concept
                    and {
                        "@type": "PropertyValue",
                        "propertyID": "JobTech Taxonomy concept id",
                        "value": concept,
                    },
                }
            )
        )
    return codes


def course_json_ld(course, *, provider, language):
    return compact(
        {
            "@type": "Course",
            "name": course.name,
            "courseCode": course.code,
            "description": course.description,
            "numberOfCredits": course.points,
            "inLanguage": language,
            "sameAs": getattr(course, "syllabus_url", ""),
            "provider": provider,
        }
    )


def intake_offer(intake, programme):
    return compact(
        {
            "@type": "Offer",
            "name": _("Intake starting %(date)s") % {"date": intake.start_date.isoformat()},
            "availabilityEnds": intake.application_deadline.isoformat(),
            "validThrough": intake.application_deadline.isoformat(),
            "price": 0,
            "priceCurrency": "SEK",
            "inventoryLevel": {"@type": "QuantitativeValue", "value": intake.seats},
            "availableAtOrFrom": municipality_place(
                programme.municipality, name=programme.provider.name
            ),
        }
    )


def programme_json_ld(request, programme, plan, intakes, occupations):
    """The programme page's data; `occupations` from `programs.selectors.programme_occupations`
    (the page shows the same)."""
    provider = organisation_json_ld(request, programme.provider, context=False)
    short_provider = {key: provider[key] for key in ("@type", "name", "url", "address")}
    pace = "full-time" if programme.study_pace == StudyPace.FULL_TIME else "part-time"
    open_intakes = [intake for intake in intakes if intake.is_open]
    data = {
        "@context": SCHEMA_ORG,
        "@type": "EducationalOccupationalProgram",
        "name": programme.name,
        "description": programme.description,
        "url": request.build_absolute_uri(programme.get_absolute_url()),
        "provider": provider,
        "programType": programme.get_level_display(),
        "educationalProgramMode": ["onsite", pace],
        "educationalCredentialAwarded": _credential(programme.level),
        "programPrerequisites": _prerequisites(programme.level),
        "timeToComplete": f"P{programme.length_weeks}W",
        "numberOfCredits": sum(item.course.points for item in plan),
        "occupationalCategory": category_codes(occupations),
        "hasCourse": [
            course_json_ld(item.course, provider=short_provider, language=programme.language)
            for item in plan
        ],
        "offers": [intake_offer(intake, programme) for intake in open_intakes],
    }
    if open_intakes:
        data["startDate"] = open_intakes[0].start_date.isoformat()
        data["applicationDeadline"] = open_intakes[0].application_deadline.isoformat()
        data["maximumEnrollment"] = open_intakes[0].seats
    return compact(data)
