"""Who acts for which organisation: one rule (`Organisation.objects.acted_for_by`) behind
offers, decisions, requirements, invitations and profiles. A member of an organisation that
has left the partnership (inactive) acts for it nowhere."""

import pytest

from partners.models import MembershipRole, Organisation
from placements import services as placements
from programs.services import requirement_setters_for
from tests.factories import ApplicationFactory, MembershipFactory, OfferFactory
from tests.helpers import url

pytestmark = pytest.mark.django_db


def test_members_act_for_their_active_organisation_only(rep, rep2, company, company2, lead):
    assert list(Organisation.objects.acted_for_by(rep)) == [company]
    assert list(Organisation.objects.acted_for_by(rep2)) == [company2]
    assert not Organisation.objects.acted_for_by(lead).exists()  # leads work through admin
    assert Organisation.objects.acted_for_by(lead, leads=True).count() == 2

    company.active = False
    company.save()

    assert not Organisation.objects.acted_for_by(rep).exists()


def test_admin_role_and_partner_role_narrow_it(company, company2, colleague, rep):
    # The colleague is a representative, not the organisation's admin.
    assert not Organisation.objects.acted_for_by(colleague, as_admin=True).exists()
    assert list(Organisation.objects.acted_for_by(rep, as_admin=True)) == [company]
    two_roles = MembershipFactory(organisation=company2, user=rep, role=MembershipRole.ADMIN)
    # company2 is no kravställare: it sets no requirements.
    assert list(requirement_setters_for(two_roles.user)) == [company]


def test_a_member_of_an_inactive_company_can_no_longer_decide_or_edit(client, rep, company):
    offer = OfferFactory(organisation=company)
    application = ApplicationFactory(offer=offer)
    company.active = False
    company.save()
    client.force_login(rep)

    assert client.get(url("placements:applicants", offer.pk)).status_code == 404
    assert client.get(url("placements:offer_edit", offer.pk)).status_code == 404
    response = client.post(url("placements:decide", application.pk), {"decision": "accept"})
    assert response.status_code == 404
    with pytest.raises(Exception):  # noqa: B017  (PermissionDenied)
        placements.decide(user=rep, application_id=application.pk, decision="accept")
    application.refresh_from_db()
    assert application.status == "submitted"
