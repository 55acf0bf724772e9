"""The survey link (no login: the token is the key) and the thank-you page."""

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .forms import SurveyForm
from .services import SurveyClosed, check_open, find_invitation, submit_answer


def _closed(request, status):
    reasons = {
        "answered": (_("This survey has already been answered. Thank you!"), 410),
        "expired": (_("This survey link has expired."), 410),
        "unknown": (
            _("This survey link is not valid. Check that you copied all of it."),
            404,
        ),
    }
    reason, code = reasons[status]
    return render(request, "surveys/closed.html", {"reason": reason}, status=code)


def answer(request, token):
    invitation = find_invitation(token)
    if invitation is None:
        return _closed(request, "unknown")
    try:
        check_open(invitation)
    except SurveyClosed as closed:
        return _closed(request, closed.status)
    data = request.POST if request.method == "POST" else None
    form = SurveyForm(data, invitation=invitation)
    if request.method == "POST" and form.is_valid():
        try:
            submit_answer(
                invitation_id=invitation.pk,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
            )
        except SurveyClosed as closed:
            return _closed(request, closed.status)
        return redirect("surveys:thanks")
    return render(
        request,
        "surveys/answer.html",
        {"form": form, "invitation": invitation, "company": invitation.organisation.name},
    )


def thanks(request):
    return render(request, "surveys/thanks.html")
