"""The partners' public pages in the sitemap: the partner list and every partner the public
sees (`Organisation.objects.visible_to` a visitor, as the list and the partner page use)."""

from django.urls import reverse

from college_portal.sitemaps import VISITOR, PagesSitemap, PortalSitemap

from .models import Organisation


class PartnerSitemap(PortalSitemap):
    def items(self):
        return Organisation.objects.visible_to(VISITOR).only("slug", "updated_at").order_by("pk")

    def location(self, item):
        return reverse("partners:detail", kwargs={"slug": item.slug})

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {"partners": PagesSitemap(["partners:list"]), "partner": PartnerSitemap()}
