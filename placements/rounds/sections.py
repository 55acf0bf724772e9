"""The rounds' panel on the dashboard: a student's rounds, a school's rounds, a company's places
in rounds; one query each, nothing shown when there is nothing to show."""

from college_portal.accounts.models import Role

from . import services
from .models import RoundStatus


def dashboard(request):
    user = request.user
    if user.role == Role.STUDENT:
        rows = list(
            services.student_rounds(user)
            .select_related("round")
            .order_by("-round__period_start")[:10]
        )
        return ("rounds/dashboard_panel.html", {"student_rounds": rows}) if rows else None
    if user.role == Role.SCHOOL_STAFF:
        rounds = list(services.staff_rounds(user).exclude(status=RoundStatus.CLOSED)[:10])
        return "rounds/dashboard_panel.html", {"staff_rounds": rounds, "is_staff_panel": True}
    if user.role == Role.COMPANY_REP:
        places = list(
            services.company_places(user)
            .exclude(round__status=RoundStatus.CLOSED)
            .select_related("round", "offer")[:10]
        )
        return ("rounds/dashboard_panel.html", {"company_places": places}) if places else None
    return None
