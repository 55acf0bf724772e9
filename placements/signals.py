"""Keep offers' search vectors current when they change."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Offer
from .search import FIELDS, refresh_search_vectors


@receiver(post_save, sender=Offer)
def offer_saved(sender, instance, update_fields=None, **kwargs):
    # In the same transaction as the change: a rollback takes the new vector with it.
    if update_fields is None or FIELDS & set(update_fields):
        refresh_search_vectors([instance.pk])
