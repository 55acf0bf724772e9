"""The representative's pages of a needs inventory: pick the organisation (for members of
several asked ones) and state its need per competence area."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats
from django.utils.translation import gettext as _

from .inventory import HORIZONS, asked_organisations_for, closed_message, save_answers
from .inventory_forms import need_forms
from .inventory_selectors import answer_sheet, open_tasks, rounds_asking

FIELDS = (*HORIZONS, "comment")


def _round_for(request, round_id):
    """The round, if it asks an organisation the representative acts for: 403 for other roles
    (students, school staff, project leads, who use admin), 404 for rounds not theirs."""
    if not request.user.is_company_rep:
        raise PermissionDenied
    return get_object_or_404(rounds_asking(request.user), pk=round_id)


@login_required
def inventory(request, round_id):
    """The round's page: the answer form of the one organisation the representative answers
    for, or the choice between several."""
    inventory_round = _round_for(request, round_id)
    organisations = list(asked_organisations_for(request.user, inventory_round).order_by("name"))
    if len(organisations) == 1:
        return _answer(request, inventory_round, organisations[0])
    return render(
        request,
        "programs/inventory/choose.html",
        {"round": inventory_round, "organisations": organisations},
    )


@login_required
def inventory_answer(request, round_id, organisation):
    inventory_round = _round_for(request, round_id)
    organisation = get_object_or_404(
        asked_organisations_for(request.user, inventory_round), slug=organisation
    )
    return _answer(request, inventory_round, organisation)


def _answer(request, inventory_round, organisation):
    rows, latest = answer_sheet(inventory_round, organisation)
    editable = inventory_round.is_open
    if request.method == "POST" and not editable:
        messages.error(request, closed_message(inventory_round))
        return redirect("programs:inventory_answer", inventory_round.pk, organisation.slug)
    forms = need_forms(rows, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        # An area added after the page was shown has no inputs in the post: it is not answered.
        submitted = [
            form for form in forms if any(f"{form.prefix}-{n}" in request.POST for n in FIELDS)
        ]
        if all(form.is_valid() for form in submitted):
            try:
                written = save_answers(
                    user=request.user,
                    round_id=inventory_round.pk,
                    organisation_id=organisation.pk,
                    answers={
                        form.area.pk: {name: form.cleaned_data[name] for name in FIELDS}
                        for form in submitted
                    },
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                if written:
                    messages.success(
                        request,
                        _("Thank you: your answer has been saved. You can change it until %(day)s.")
                        % {"day": formats.date_format(inventory_round.deadline, "j F Y")},
                    )
                else:
                    messages.info(request, _("Nothing had changed: your answer stays as it was."))
            return redirect("programs:inventory_answer", inventory_round.pk, organisation.slug)
    return render(
        request,
        "programs/inventory/answer.html",
        {
            "round": inventory_round,
            "organisation": organisation,
            "forms": forms,
            "rows": rows,
            "errors": [
                (form, field, error)
                for form in forms
                if form.is_bound
                for field in form
                for error in field.errors
            ],
            "latest": latest,
            "editable": editable,
            "closed_message": None if editable else closed_message(inventory_round),
        },
        status=400 if request.method == "POST" else 200,
    )


def dashboard_section(request):
    """The open rounds as tasks on a representative's dashboard (two queries), or None."""
    if not request.user.is_company_rep:
        return None
    tasks = open_tasks(request.user)
    if not tasks:
        return None
    return "programs/inventory/dashboard_section.html", {"tasks": tasks}
