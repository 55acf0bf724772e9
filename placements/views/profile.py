"""The student's profile (school, programme, interests) and the digest's unsubscribe link."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from college_portal.accounts.access import role_required
from college_portal.accounts.models import Role

from ..forms import StudentProfileForm
from ..models import StudentProfile


@role_required(Role.STUDENT)
def student_profile(request):
    profile, _created = StudentProfile.objects.get_or_create(user=request.user)
    form = StudentProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your interests have been saved."))
        return redirect("dashboard")
    return render(request, "placements/student_profile.html", {"form": form})


def unsubscribe(request, token):
    profile = get_object_or_404(StudentProfile, unsubscribe_token=token)
    if request.method == "POST":
        StudentProfile.objects.filter(pk=profile.pk).update(digest=False)
        return render(request, "placements/unsubscribed.html", {"done": True})
    return render(request, "placements/unsubscribed.html", {"done": False})
