"""Views of the programs app: the catalogue, programme pages, coverage and requirements."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from college_portal.accounts.access import role_required, visible_object_or_404
from college_portal.csvexport import csv_response
from college_portal.opendata import json_ld
from college_portal.pagecache import public_page
from college_portal.pagination import paginated
from college_portal.registry import render_sections

from .forms import CatalogueFilter, RequirementForm
from .models import CompetenceRequirement, Programme
from .selectors import programme_occupations
from .services import (
    coverage_for,
    coverage_matrix,
    propose_requirement,
    requirement_setters_for,
    update_requirement,
)
from .structured_data import programme_json_ld


@public_page
def catalogue(request):
    base = Programme.objects.visible_to(request.user).select_related("provider")
    filterset = CatalogueFilter(request.GET or None, queryset=base)
    programmes = (
        filterset.qs if filterset.is_bound and filterset.is_valid() else base.order_by("name")
    )
    return render(
        request,
        "programs/catalogue.html",
        {"filter": filterset, **paginated(request, programmes, 20)},
    )


@public_page
def programme_detail(request, slug):
    programme = visible_object_or_404(
        Programme.objects.select_related("provider"), request.user, slug=slug
    )
    plan = list(programme.plan.select_related("course").order_by("order"))
    intakes = list(programme.intakes.all())
    requirements = list(
        programme.requirements.accepted()
        .select_related("organisation")
        .prefetch_related(Prefetch("coverage"))
    )
    coverage = coverage_for(programme, requirements, plan)
    setters = {r.organisation_id: r.organisation for r in requirements}
    occupations = programme_occupations([programme])[programme.pk]
    return render(
        request,
        "programs/programme_detail.html",
        {
            "programme": programme,
            "plan": plan,
            "total_points": sum(item.course.points for item in plan),
            "intakes": intakes,
            "coverage": coverage,
            "gaps": sum(1 for row in coverage if row["gap"]),
            "occupations": occupations,
            "setters": sorted(setters.values(), key=lambda o: o.name),
            "structured_data": json_ld(
                programme_json_ld(request, programme, plan, intakes, occupations)
            ),
            "sections": render_sections("programme_detail", request, programme=programme),
        },
    )


@role_required(staff=True)
def coverage_matrix_view(request, slug):
    programme = get_object_or_404(Programme, slug=slug)
    courses, rows = coverage_matrix(programme)
    if request.GET.get("format") == "csv":
        header = (
            [_("Requirement"), _("Organisation"), _("Importance")]
            + [f"{c.code} {c.name}".strip() for c in courses]
            + [_("Covered")]
        )
        data = [
            [r.title, r.organisation.name, r.get_importance_display()]
            + ["x" if cell else "" for cell in cells]
            + [_("yes") if any(cells) else _("no – gap")]
            for r, cells in rows
        ]
        return csv_response(f"coverage-{programme.slug}.csv", header, data)
    return render(
        request,
        "programs/coverage_matrix.html",
        {"programme": programme, "courses": courses, "rows": rows},
    )


@login_required
def requirement_new(request):
    setters = requirement_setters_for(request.user)
    if not setters.exists():
        raise PermissionDenied
    form = RequirementForm(request.POST or None, setters=setters)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        requirement = propose_requirement(
            user=request.user,
            organisation=data["organisation"],
            title=data["title"],
            description=data["description"],
            importance=data["importance"],
            programmes=data["programmes"],
            areas=data["areas"],
        )
        messages.success(
            request, _("The requirement has been proposed. A project lead will review it.")
        )
        return redirect("programs:requirement_edit", pk=requirement.pk)
    return render(request, "programs/requirement_form.html", {"form": form})


def requirement_edit(request, pk):
    """The proposing organisation sees its requirement (with the reason if rejected) and edits
    it while proposed; others, visitors too, see only accepted ones, and cannot edit."""
    requirement = visible_object_or_404(
        CompetenceRequirement.objects.select_related("organisation").prefetch_related(
            "programmes", "areas", "coverage__course"
        ),
        request.user,
        pk=pk,
    )
    own = (
        request.user.is_authenticated
        and requirement.organisation.memberships.filter(user=request.user).exists()
    )
    editable = own and requirement.status == CompetenceRequirement.Status.PROPOSED
    form = None
    if editable:
        form = RequirementForm(
            request.POST or None,
            instance=requirement,
            setters=requirement_setters_for(request.user),
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            update_requirement(
                user=request.user,
                requirement_id=requirement.pk,
                title=data["title"],
                description=data["description"],
                importance=data["importance"],
                programmes=data["programmes"],
                areas=data["areas"],
            )
            messages.success(request, _("The requirement has been saved."))
            return redirect("programs:requirement_edit", pk=requirement.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "programs/requirement_detail.html",
        {"requirement": requirement, "form": form, "own": own or request.user.is_staff},
    )
