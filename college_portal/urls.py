"""Root URLs: language-prefixed pages, with the health check and language switch outside."""

from allauth.account.decorators import secure_admin_login
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from partners.sitemaps import SITEMAPS as PARTNER_SITEMAPS
from placements.sitemaps import SITEMAPS as OFFER_SITEMAPS
from programs.sitemaps import SITEMAPS as PROGRAMME_SITEMAPS

from . import health, sitemaps, views
from .legal import views as legal

# The admin's own login would bypass allauth's rate limits and second factor.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("Teknikcollege Stockholm – administration")
admin.site.site_title = _("Teknikcollege Stockholm")
admin.site.index_title = _("Partnership administration")

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),  # alias of /healthz/ready
    path("healthz/live", health.live, name="healthz_live"),
    path("healthz/ready", views.healthz, name="healthz_ready"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("media/<path:name>", views.public_media, name="public_media"),
    path("private/<path:name>", views.staff_document, name="staff_document"),
    # The open data API: one address for every language (?lang= or Accept-Language).
    path("api/", include("college_portal.api.urls")),
    # For search engines, at the root: every public page in both languages (README: Feeds).
    path(
        "sitemap.xml",
        sitemaps.sitemap,
        {
            "sitemaps": {
                "pages": sitemaps.PagesSitemap(
                    ["home", "about", "privacy", "accessibility", "contact"]
                ),
                **PROGRAMME_SITEMAPS,
                **OFFER_SITEMAPS,
                **PARTNER_SITEMAPS,
            }
        },
        name="sitemap",
    ),
    path("robots.txt", sitemaps.robots_txt, name="robots_txt"),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path(_("about/"), views.about, name="about"),
    path(_("privacy/"), legal.privacy, name="privacy"),
    path(_("accessibility/"), legal.accessibility, name="accessibility"),
    path(_("accessibility/feedback/"), legal.accessibility_feedback, name="accessibility_feedback"),
    path(_("contact/"), legal.contact, name="contact"),
    path(_("dashboard/"), views.dashboard, name="dashboard"),
    path(_("profile/"), views.profile, name="profile"),
    path(_("my-data/"), views.my_data, name="my_data"),
    path(_("report/"), views.report, name="report"),
    path(_("activity/"), include("college_portal.activity.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("partners.urls")),
    path("", include("programs.urls")),
    path("", include("placements.urls")),
    path("", include("placements.rounds.urls")),
    path("", include("college_portal.yearly.urls")),
    path("", include("college_portal.surveys.urls")),
    prefix_default_language=True,
)

# A malformed or suspicious request (e.g. an unknown Host) gets the portal's page, in its language.
handler400 = legal.bad_request
