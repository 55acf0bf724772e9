"""A person's own data (GDPR): export everything the portal holds about them, or delete the
account so that nothing identifies them while the partnership's statistics stay whole."""

import uuid

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from college_portal.activity import actions
from college_portal.activity.services import log

from ..registry import registry


def export_personal_data(user):
    data = {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "language": user.language,
            "role": user.role,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
    }
    for _order, (export, _erase) in registry.personal_data:
        key, value = export(user)
        data[key] = value
    return data


@transaction.atomic
def delete_account(*, user):
    """Anonymise the account: no name, no address, no way to sign in. Rows that statistics
    count (applications, bookings) stay, pointing at the anonymous account."""
    for _order, (_export, erase) in registry.personal_data:
        erase(user)
    EmailAddress.objects.filter(user=user).delete()
    user.email = f"deleted-{uuid.uuid4().hex}@invalid.example"
    user.full_name = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.save()
    # No actor and no personal data: the entry names the account by its id only.
    log(actor=None, action=actions.ACCOUNT_DELETED, obj=user, data={"role": user.role})
    return user
