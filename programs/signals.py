"""Keep programmes' search vectors current when they or their courses change."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Course, Programme, ProgrammeCourse
from .search import refresh_search_vectors


def _refresh_later(ids):
    # In the same transaction as the change: a rollback takes the new vector with it.
    refresh_search_vectors(list(ids))


@receiver(post_save, sender=Programme)
def programme_saved(sender, instance, **kwargs):
    _refresh_later([instance.pk])


@receiver([post_save, post_delete], sender=ProgrammeCourse)
def plan_changed(sender, instance, **kwargs):
    _refresh_later([instance.programme_id])


@receiver(post_save, sender=Course)
def course_saved(sender, instance, **kwargs):
    _refresh_later(instance.in_plans.values_list("programme_id", flat=True))
