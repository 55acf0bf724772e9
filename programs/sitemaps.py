"""The programmes' public pages in the sitemap: the catalogue, every programme the public sees
(`Programme.objects.visible_to` a visitor, as the catalogue and the programme page use) and
the public page of where the jobs are."""

from college_portal.sitemaps import VISITOR, PagesSitemap, PortalSitemap

from .models import Programme


class ProgrammeSitemap(PortalSitemap):
    def items(self):
        return Programme.objects.visible_to(VISITOR).only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {
    "programmes": PagesSitemap(["programs:list", "programs:jobs"]),
    "programme": ProgrammeSitemap(),
}
