"""The project leads' filterable list of the activity log."""

from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from college_portal.accounts.access import role_required
from college_portal.pagination import paginated

from .forms import ActivityFilterForm
from .models import ActivityEntry

PER_PAGE = 50


def admin_url(entry):
    """The admin change page of the entry's object, or None where admin has none."""
    content_type = entry.content_type
    try:
        return reverse(
            f"admin:{content_type.app_label}_{content_type.model}_change", args=[entry.object_id]
        )
    except NoReverseMatch:
        return None


@role_required(staff=True)
def activity_list(request):
    form = ActivityFilterForm(request.GET or None)
    entries = ActivityEntry.objects.with_related()
    if form.is_bound and form.is_valid():
        entries = form.filter(entries)
    elif form.is_bound:
        entries = entries.none()
    context = paginated(request, entries, PER_PAGE)
    for entry in context["page"].object_list:
        entry.admin_url = admin_url(entry)
    return render(request, "activity/activity_list.html", {"form": form, **context})
