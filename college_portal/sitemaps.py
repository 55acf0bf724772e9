"""sitemap.xml and robots.txt, at the root of the site (outside the language prefixes).

The sitemap lists every public page in Swedish and English, each with its alternates
(hreflang sv, en and x-default: Swedish, the default language). Each app gives the sitemap of
its own pages (`partners.sitemaps`, `programs.sitemaps`, `placements.sitemaps`), built on the
querysets its public pages use; the root URL configuration puts them together. robots.txt
points to the sitemap and keeps crawlers out of the signed-in parts, in both languages.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap as django_sitemap
from django.urls import reverse
from django.utils import translation

from .opendata import cached_document

# What the public sees: the querysets' visible_to() for a visitor who is not signed in.
VISITOR = AnonymousUser()


class PortalSitemap(Sitemap):
    """Both languages, each address with its alternates and x-default."""

    i18n = True
    alternates = True
    x_default = True

    def _urls(self, page, protocol, domain):
        # Django's x-default drops the language prefix, which fits prefix_default_language=
        # False only; here every page has its prefix, so x-default is the Swedish address.
        urls = super()._urls(page, protocol, domain)
        for info in urls:
            by_language = {a["lang_code"]: a["location"] for a in info["alternates"]}
            for alternate in info["alternates"]:
                if alternate["lang_code"] == "x-default":
                    alternate["location"] = by_language[settings.LANGUAGE_CODE]
        return urls


class PagesSitemap(PortalSitemap):
    """Pages without an object: the named pages everyone may open."""

    def __init__(self, names):
        self.names = names

    def items(self):
        return self.names

    def location(self, item):
        return reverse(item)


def sitemap(request, sitemaps):
    def render():
        response = django_sitemap(request, sitemaps)
        response.render()
        return response.content.decode()

    return cached_document(request, "sitemap", "application/xml; charset=utf-8", render)


# The signed-in parts, by a named page whose address's first part (after the language) is
# theirs alone; each is closed in every language. Public pages never start like these.
PRIVATE_PAGES = [
    ("dashboard", ()),
    ("profile", ()),
    ("my_data", ()),
    ("report", ()),
    ("activity:list", ()),
    ("account_login", ()),
    ("admin:index", ()),
    ("programs:gap", ()),
    ("programs:requirement_new", ()),
    ("programs:inventory", (1,)),
    ("placements:application_detail", (1,)),
    ("placements:booking_detail", (1,)),
    ("placements:student_profile", ()),
    ("placements:unsubscribe", ("x",)),
    ("placements:confirm_student", (1,)),
    ("placements:invite_class", ()),
    ("placements:class_invitation", ("x",)),
    ("placements:slot_cancel", (1,)),
    ("partners:invitation", ("x",)),
    ("partners:agreement_document", (1,)),
    ("rounds:list", ()),
    ("yearly:list", ()),
    ("surveys:thanks", ()),
]
PRIVATE_ROOTS = ["/private/", "/i18n/"]


def _first_part(path):
    """'/sv/ansokningar/1/' -> '/sv/ansokningar/' (a language prefix and one part)."""
    return "/".join(path.split("/")[:3]) + "/"


def private_prefixes():
    prefixes = list(PRIVATE_ROOTS)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for name, args in PRIVATE_PAGES:
                prefix = _first_part(reverse(name, args=args))
                if prefix not in prefixes:
                    prefixes.append(prefix)
    return prefixes


def robots_txt(request):
    def render():
        lines = ["User-agent: *"]
        lines += [f"Disallow: {prefix}" for prefix in private_prefixes()]
        lines += ["", f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}", ""]
        return "\n".join(lines)

    return cached_document(request, "robots", "text/plain; charset=utf-8", render)
