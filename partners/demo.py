"""Demo partnership: the seed's organisations with their roles and the demo representatives.

Region Stockholm's and the two municipalities' numbers are their public ones; the others are
made-up numbers with a valid check digit.
"""

from django.utils.text import slugify

from college_portal.accounts.models import User

from .models import Membership, MembershipRole, Organisation, OrganisationKind, PartnerRole
from .models import PartnerRoleKind as R

K = OrganisationKind

ORGANISATIONS = [
    ("Region Stockholm", "232100-0016", K.REGION, "Stockholm", [R.PROJECT_OWNER, R.FUNDER, R.STEERING_GROUP_MEMBER],
     "Regionen leder Teknikcollege Stockholm och driver arbetet för fler yrkesutbildningar inom skärande bearbetning i länet."),
    ("Södertälje kommun", "212000-0142", K.MUNICIPALITY, "Södertälje", [R.EDUCATION_PROVIDER, R.STEERING_GROUP_MEMBER],
     "Kommunen driver gymnasie- och vuxenutbildning med industriteknisk inriktning."),
    ("Huddinge kommun", "212000-0043", K.MUNICIPALITY, "Huddinge", [R.EDUCATION_PROVIDER, R.STEERING_GROUP_MEMBER],
     "Kommunen erbjuder industriteknisk utbildning för ungdomar och vuxna."),
    ("LK Precision AB", "556712-3459", K.COMPANY, "Södertälje",
     [R.REQUIREMENT_SETTER, R.INTERNSHIP_HOST, R.STUDY_VISIT_HOST, R.STEERING_GROUP_MEMBER],
     "Precisionsbearbetning i fleroperationsmaskiner: CNC-fräsning, CNC-svarvning och mätning för kunder inom fordon och medicinteknik."),
    ("Södertälje Mekaniska AB", "556834-5671", K.COMPANY, "Södertälje",
     [R.REQUIREMENT_SETTER, R.INTERNSHIP_HOST, R.STUDY_VISIT_HOST],
     "Legotillverkare med svarvning, fräsning och slipning i korta och långa serier."),
    ("Teknikföretagen", "802002-4686", K.EMPLOYER_ORGANISATION, "Stockholm", [R.STEERING_GROUP_MEMBER],
     "Arbetsgivar- och branschorganisation för teknikföretag."),
    ("IF Metall", "802412-3450", K.UNION, "Stockholm", [R.STEERING_GROUP_MEMBER],
     "Fackförbundet för anställda inom industrin."),
    ("Industriarbetsgivarna", "802003-5799", K.EMPLOYER_ORGANISATION, "Stockholm", [R.STEERING_GROUP_MEMBER],
     "Arbetsgivarorganisation för industriföretag."),
    ("Föreningen Teknikcollege i Sverige", "802004-6812", K.ASSOCIATION, "Stockholm", [],
     "Den nationella föreningen som certifierar teknikcollege."),
    ("Arbetsförmedlingen", "202100-2676", K.PUBLIC_AGENCY, "Stockholm", [R.FUNDER],
     "Myndigheten som matchar arbetssökande mot utbildning och arbete."),
    ("Täljegymnasiet", "556923-4569", K.SCHOOL, "Södertälje", [R.EDUCATION_PROVIDER],
     "Gymnasieskola i Södertälje med Industritekniska programmet."),
    ("Huddinge tekniska gymnasium", "556812-3490", K.SCHOOL, "Huddinge", [R.EDUCATION_PROVIDER],
     "Gymnasie- och vuxenutbildning i Huddinge med inriktning mot produkt- och maskinteknik."),
]  # fmt: skip

MEMBERS = [
    ("lk@example.org", "556712-3459", MembershipRole.ADMIN),
    ("rep2@example.org", "556834-5671", MembershipRole.ADMIN),
    ("teacher@example.org", "556923-4569", MembershipRole.REPRESENTATIVE),
]


def load(stdout):
    for name, number, kind, municipality, roles, description in ORGANISATIONS:
        organisation, created = Organisation.objects.update_or_create(
            organisation_number=number,
            defaults={
                "name": name,
                "slug": slugify(name),
                "kind": kind,
                "municipality": municipality,
                "description": description,
                "active": True,
            },
        )
        for role in roles:
            PartnerRole.objects.get_or_create(organisation=organisation, role=role)
        stdout.write(f"  {'created' if created else 'updated'} {name}")
    for email, number, role in MEMBERS:
        user = User.objects.filter(email=email).first()
        if user:
            Membership.objects.get_or_create(
                user=user,
                organisation=Organisation.objects.get(organisation_number=number),
                defaults={"role": role},
            )
