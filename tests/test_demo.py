"""The demo partnership loads, twice without duplicates, and not in production by accident."""

import pytest
from django.core.management import CommandError, call_command

from college_portal.accounts.models import User
from partners.models import Agreement, Membership, Organisation, SteeringGroup

SEED = [
    "Region Stockholm",
    "Södertälje kommun",
    "Huddinge kommun",
    "LK Precision AB",
    "Teknikföretagen",
    "IF Metall",
    "Industriarbetsgivarna",
    "Föreningen Teknikcollege i Sverige",
    "Arbetsförmedlingen",
]


@pytest.mark.django_db
def test_load_demo_is_idempotent_and_creates_the_seed(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=open("/dev/null", "w"))
    counts = (Organisation.objects.count(), User.objects.count(), Agreement.objects.count())
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert (Organisation.objects.count(), User.objects.count(), Agreement.objects.count()) == counts
    names = set(Organisation.objects.values_list("name", flat=True))
    assert set(SEED) <= names
    assert Organisation.objects.filter(kind="school").count() >= 2
    assert Organisation.objects.filter(kind="company").count() >= 2
    lk = User.objects.get(email="lk@example.org")
    assert lk.check_password("teknik-demo-2026")
    assert Membership.objects.get(user=lk).organisation.name == "LK Precision AB"
    assert User.objects.get(email="lead@example.org").is_staff
    rules = [group.composition()["meets_rule"] for group in SteeringGroup.objects.all()]
    assert sorted(rules) == [False, True]  # one group breaks the company-majority rule


@pytest.mark.django_db
def test_load_demo_refuses_without_debug_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_demo", stdout=open("/dev/null", "w"))
    assert not Organisation.objects.exists()
    call_command("load_demo", "--force", stdout=open("/dev/null", "w"))
    assert Organisation.objects.exists()
