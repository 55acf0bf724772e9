"""Reads that pages compose from programmes: the catalogue's first page, requirements a
representative follows, a partner's accepted requirements, the report's figures."""

from dataclasses import dataclass

from django.db.models import Count, F, Q

from partners.models import Organisation

from .models import (
    CompetenceArea,
    CompetenceRequirement,
    ConceptType,
    Programme,
    TaxonomyConcept,
)


def home_programmes(limit=6):
    published = Programme.objects.published()
    return {
        "programmes": list(published.select_related("provider").order_by("name")[:limit]),
        "count": published.count(),
    }


def requirements_followed_by(user, limit=20):
    """Requirements of the organisations the user acts for, proposed ones first."""
    return list(
        CompetenceRequirement.objects.filter(
            organisation__in=Organisation.objects.acted_for_by(user)
        )
        .select_related("organisation")
        .prefetch_related("programmes", "coverage__course")
        .order_by("status", "-created_at")[:limit]
    )


def accepted_requirements_of(organisation):
    return list(
        CompetenceRequirement.objects.accepted()
        .filter(organisation=organisation)
        .prefetch_related("programmes")
    )


def requirements_by_status():
    return dict(CompetenceRequirement.objects.values_list("status").annotate(n=Count("pk")))


def coverage_per_programme():
    return Programme.objects.annotate(
        accepted=Count("requirements", filter=Q(requirements__status="accepted"), distinct=True),
        covered=Count(
            "requirements",
            filter=Q(
                requirements__status="accepted",
                requirements__coverage__course__in_plans__programme=F("pk"),
            ),
            distinct=True,
        ),
    ).order_by("name")


@dataclass(frozen=True)
class Occupation:
    """An occupation a programme leads to: its SSYK 2012 code, its name in the page's language
    (the JobTech Taxonomy label where the snapshot has one) and the JobTech concept id."""

    ssyk_code: str
    name: str
    concept_id: str = ""


def programme_occupations(programmes):
    """{programme id: [Occupation, ...]} for the given programmes, from the competence areas
    their courses teach and their accepted requirements (the requirements' own SSYK codes, their
    concepts' and their areas'). Three queries whatever the number of programmes."""
    ids = [p.pk for p in programmes]
    found = {pk: {} for pk in ids}  # programme id: {ssyk code: fallback name}
    taught = (
        CompetenceArea.objects.filter(active=True, courses__in_plans__programme__in=ids)
        .values_list(
            "courses__in_plans__programme", "ssyk_code", "concept__ssyk_code", "occupation"
        )
        .distinct()
    )
    for programme_id, code, concept_code, occupation in taught:
        for c in (code, concept_code):
            if c:
                found[programme_id].setdefault(c, occupation)
    required = (
        CompetenceRequirement.objects.accepted()
        .filter(programmes__in=ids)
        .values_list(
            "programmes",
            "ssyk_code",
            "concept__ssyk_code",
            "areas__ssyk_code",
            "areas__concept__ssyk_code",
            "areas__occupation",
        )
        .distinct()
    )
    for programme_id, *codes, occupation in required:
        for i, c in enumerate(codes):
            if c:
                found[programme_id].setdefault(c, occupation if i >= 2 else "")
    codes = {c for per in found.values() for c in per}
    groups = {
        concept.ssyk_code: concept
        for concept in TaxonomyConcept.objects.filter(
            concept_type=ConceptType.SSYK, ssyk_code__in=codes
        )
    }
    result = {}
    for programme_id, per in found.items():
        occupations = []
        for code in sorted(per):
            group = groups.get(code)
            if group:
                occupations.append(Occupation(code, group.label, group.concept_id))
            else:
                occupations.append(Occupation(code, per[code] or f"SSYK {code}"))
        result[programme_id] = occupations
    return result
