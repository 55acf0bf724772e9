"""The providing school's page for its programmes' admitted and completed students per intake
and year, with each figure's history (project leads use it too, or admin)."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .gap_forms import SupplyForm
from .supply import intakes_with_history, record_supply, supply_programmes_for


def _form_for(intake, entry, data=None):
    current = entry["current"]
    return SupplyForm(
        data,
        initial={
            "intake": intake.pk,
            "year": entry["year"],
            "admitted": current.admitted if current else None,
            "completed": current.completed if current else None,
        },
        auto_id=f"id_{intake.pk}_{entry['year']}_%s",
    )


def supply_entry(request, slug):
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not (user.is_staff or user.is_school_staff):
        raise PermissionDenied
    # Another school's programme answers as if it did not exist.
    programme = get_object_or_404(supply_programmes_for(user), slug=slug)
    posted = None
    if request.method == "POST":
        posted = SupplyForm(request.POST)
        if posted.is_valid():
            data = posted.cleaned_data
            if not programme.intakes.filter(pk=data["intake"]).exists():
                raise PermissionDenied
            try:
                record_supply(
                    user=user,
                    intake_id=data["intake"],
                    year=data["year"],
                    admitted=data["admitted"],
                    completed=data["completed"],
                )
            except ValidationError as error:
                posted.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Saved: %(admitted)s admitted and %(completed)s completed in %(year)s.")
                    % data,
                )
                address = reverse("programs:supply", args=[programme.slug])
                return redirect(f"{address}#intake-{data['intake']}")
    intakes = intakes_with_history(programme)
    placed = False
    for intake in intakes:
        for entry in intake.years:
            entry["form"] = _form_for(intake, entry)
            if (
                posted is not None
                and posted.data.get("intake") == str(intake.pk)
                and posted.data.get("year") == str(entry["year"])
            ):
                # The figures just typed, with their errors, where they were typed.
                posted.auto_id = f"id_{intake.pk}_{entry['year']}_%s"
                entry["form"], placed = posted, True
    return render(
        request,
        "programs/gap/supply.html",
        {
            "programme": programme,
            "intakes": intakes,
            # Figures for an intake or year the page does not show: their errors on top.
            "unplaced_errors": posted.errors if posted is not None and not placed else None,
        },
        status=400 if posted is not None else 200,
    )
