"""Factories for the portal's models (one place, used by every test module)."""

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone
from django.utils.text import slugify
from stdnum import luhn

from college_portal.accounts.models import Role, User
from partners.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    PartnerRole,
)

PASSWORD = "test-pass-2026!"


def organisation_number(n):
    base = f"55{n:07d}"
    digits = base + luhn.calc_check_digit(base)
    return f"{digits[:6]}-{digits[6:]}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="sv_SE")
    role = Role.STUDENT
    language = "sv"

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save()
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Verkstad {n} AB")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    organisation_number = factory.Sequence(organisation_number)
    kind = OrganisationKind.COMPANY
    municipality = "Södertälje"
    active = True


class PartnerRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerRole

    organisation = factory.SubFactory(OrganisationFactory)
    role = "internship_host"
    since = factory.LazyFunction(timezone.localdate)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory, role=Role.COMPANY_REP)
    organisation = factory.SubFactory(OrganisationFactory)
    role = MembershipRole.REPRESENTATIVE
