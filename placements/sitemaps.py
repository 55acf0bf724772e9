"""The offers' public pages in the sitemap: the offer list and every offer page the public may
open (`Offer.objects.visible_to` a visitor: published, of an active organisation)."""

from college_portal.sitemaps import VISITOR, PagesSitemap, PortalSitemap

from .models import Offer


class OfferSitemap(PortalSitemap):
    def items(self):
        return Offer.objects.visible_to(VISITOR).only("pk", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {"offers": PagesSitemap(["placements:offer_list"]), "offer": OfferSitemap()}
