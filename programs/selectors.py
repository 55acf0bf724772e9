"""Reads that pages compose from programmes: the catalogue's first page, requirements a
representative follows, a partner's accepted requirements, the report's figures."""

from django.db.models import Count, F, Q

from partners.models import Organisation

from .models import CompetenceRequirement, Programme


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
