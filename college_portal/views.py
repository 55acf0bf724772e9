"""The shell's pages: home, about, dashboard, profile, language switch and health check."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.files.storage import default_storage, storages
from django.db import connection
from django.http import FileResponse, Http404, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from college_portal.accounts.access import role_required
from college_portal.accounts.forms import DeleteAccountForm, ProfileForm
from college_portal.accounts.language import remember_language
from college_portal.accounts.personal_data import delete_account, export_personal_data
from college_portal.csvexport import csv_response
from college_portal.pagecache import public_page
from college_portal.registry import render_sections
from college_portal.reports import build_report, report_rows_for_csv

# The check CsrfViewMiddleware makes, for the one view that applies it only to signed-in people.
_CSRF = CsrfViewMiddleware(lambda request: None)


@public_page
def home(request):
    return render(request, "home.html", {"sections": render_sections("home", request)})


def about(request):
    return render(request, "about.html")


@login_required
def dashboard(request):
    return render(request, "dashboard.html", {"sections": render_sections("dashboard", request)})


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        messages.success(request, _("Your profile has been saved."))
        # The page follows the language the user just chose.
        with translation.override(user.language):
            response = redirect(reverse("dashboard"))
        # As the language switch does: unprefixed URLs ("/") follow the new choice too.
        return remember_language(response, user.language)
    return render(request, "accounts/profile.html", {"form": form})


@require_POST
@csrf_exempt
def set_language(request):
    """Django's language switch, which also remembers a signed-in user's choice.

    A visitor who is not signed in switches without a CSRF token: the switch changes only the
    language cookie (a forged switch would merely show the next page in the other language),
    so the cached public pages carry no token and set no cookie. A signed-in person's choice
    is saved to their account, so their switch is checked like every other form."""
    if request.user.is_authenticated:
        refused = _CSRF.process_view(request, None, (), {})
        if refused is not None:
            return refused
    # Django resolves `next` in the active language (cookie or default here, outside the
    # prefixed URLs): an /en/ page switched to Swedish would stay English. Resolve it in
    # the language of its own prefix.
    next_path = (request.POST.get("next") or "").split("?", 1)[0]
    page_language = translation.get_language_from_path(next_path)
    with translation.override(page_language or translation.get_language()):
        response = django_set_language(request)
    language = request.POST.get("language")
    codes = {code for code, _name in settings.LANGUAGES}
    if request.user.is_authenticated and language in codes and request.user.language != language:
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response


@never_cache
def healthz(request):
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # the point is to report it, whatever it is
        checks["database"] = f"error: {type(exc).__name__}"
    if settings.REDIS_URL:
        try:
            if hasattr(cache, "ping"):  # the resilient backend: Redis itself, not its fallback
                cache.ping()
            cache.set("healthz", "ok", 5)
            checks["redis"] = "ok" if cache.get("healthz") == "ok" else "error: no answer"
        except Exception as exc:
            checks["redis"] = f"error: {type(exc).__name__}"
    # Without the database nothing works: 503 takes this process out of the load balancer.
    # Without Redis the portal still serves (the cache falls back, the outbox relay sends what
    # was not enqueued): 200 with "degraded", so an outage of Redis does not take every web
    # process out of service at once, and the operator still reads what is wrong.
    if checks["database"] != "ok":
        status, code = "unavailable", 503
    elif any(value != "ok" for value in checks.values()):
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return JsonResponse({"status": status, "checks": checks}, status=code)


@role_required(staff=True)
def report(request):
    """The partnership report for project leads, as a page or as one CSV file."""
    sections = build_report()
    if request.GET.get("format") == "csv":
        rows = list(report_rows_for_csv(sections))
        return csv_response("partnership-report.csv", rows[0] if rows else [], rows[1:])
    return render(request, "report.html", {"sections": sections})


@login_required
def my_data(request):
    """See what the portal keeps, download it as JSON, or delete the account."""
    user = request.user
    if request.GET.get("format") == "json":
        response = JsonResponse(
            export_personal_data(user), json_dumps_params={"ensure_ascii": False, "indent": 2}
        )
        response["Content-Disposition"] = 'attachment; filename="mina-uppgifter.json"'
        return response
    form = DeleteAccountForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        delete_account(user=user)
        logout(request)
        messages.success(
            request, _("Your account has been deleted. Thank you for using the portal.")
        )
        return redirect("home")
    return render(request, "accounts/my_data.html", {"form": form})


# Uploaded files are served by the portal itself, so that the web tier needs no shared
# folder and each file is checked: logos are public, internal documents are for staff.
PUBLIC_MEDIA_PREFIXES = ("logos/",)
STAFF_DOCUMENT_PREFIXES = ("agreements/", "minutes/")


def _file_response(storage, name, prefixes, *, attachment):
    if not name.startswith(prefixes) or ".." in name.split("/") or not storage.exists(name):
        raise Http404
    response = FileResponse(storage.open(name, "rb"), as_attachment=attachment)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def public_media(request, name):
    response = _file_response(default_storage, name, PUBLIC_MEDIA_PREFIXES, attachment=False)
    response["Cache-Control"] = "public, max-age=86400"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


@role_required(staff=True)
def staff_document(request, name):
    response = _file_response(storages["private"], name, STAFF_DOCUMENT_PREFIXES, attachment=True)
    response["Cache-Control"] = "private, no-store"
    return response
