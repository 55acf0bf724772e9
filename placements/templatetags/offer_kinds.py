"""The kind of a booked offer named in a sentence ("the study visit", "studiebesöket"), for
e-mail whose stored context keeps the kind's value and is rendered in the recipient's language."""

from django import template
from django.utils.translation import pgettext_lazy

from ..models import OfferKind

register = template.Library()

THE_KIND = {
    OfferKind.STUDY_VISIT: pgettext_lazy("offer kind, definite", "the study visit"),
    OfferKind.GUEST_LECTURE: pgettext_lazy("offer kind, definite", "the guest lecture"),
    OfferKind.TEACHER_PLACEMENT: pgettext_lazy("offer kind, definite", "the teacher placement"),
}


@register.filter
def the_kind(kind):
    """`kind`'s definite name; a notification written before kinds were stored (no kind) was
    about a study visit."""
    return THE_KIND.get(kind or OfferKind.STUDY_VISIT, THE_KIND[OfferKind.STUDY_VISIT])
