"""Demo partnership: the seed's organisations with their roles and the demo representatives.

Region Stockholm's and the two municipalities' numbers are their public ones; the others are
made-up numbers with a valid check digit. The two municipal schools have municipal-style
numbers (212000-xxxx, as a municipality's own units do); their school unit codes
(skolenhetskod) are left blank, as the demo knows none for certain.
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.text import slugify

from college_portal.accounts.models import User

from .models import (
    Agreement,
    AgreementKind,
    Meeting,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    PartnerRole,
    SteeringGroup,
    SteeringGroupMember,
)
from .models import PartnerRoleKind as R

K = OrganisationKind

# The municipal schools: municipal-style organisation numbers (212000-xxxx, Luhn-valid), and
# the company-style numbers earlier demo data gave them (renumbered on load).
TALJE = "212000-1009"
HUDDINGE_TEKNISKA = "212000-2007"
RENUMBERED = {"556923-4569": TALJE, "556812-3490": HUDDINGE_TEKNISKA}

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
    ("Huddinge Verktyg och Fräs AB", "556901-2346", K.COMPANY, "Huddinge",
     [R.REQUIREMENT_SETTER, R.INTERNSHIP_HOST],
     "Verktygstillverkning och CNC-fräsning av formar och fixturer."),
    ("Nykvarn Svarvteknik AB", "556745-6784", K.COMPANY, "Södertälje",
     [R.INTERNSHIP_HOST],
     "Seriesvarvning av axlar och bussningar för fordonsindustrin."),
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
    ("Täljegymnasiet", TALJE, K.SCHOOL, "Södertälje", [R.EDUCATION_PROVIDER],
     "Gymnasieskola i Södertälje med Industritekniska programmet."),
    ("Huddinge tekniska gymnasium", HUDDINGE_TEKNISKA, K.SCHOOL, "Huddinge", [R.EDUCATION_PROVIDER],
     "Gymnasie- och vuxenutbildning i Huddinge med inriktning mot produkt- och maskinteknik."),
]  # fmt: skip

MEMBERS = [
    ("lk@example.org", "556712-3459", MembershipRole.ADMIN),
    ("rep2@example.org", "556834-5671", MembershipRole.ADMIN),
    ("teacher@example.org", TALJE, MembershipRole.REPRESENTATIVE),
]


def load(stdout):
    for old, new in RENUMBERED.items():
        Organisation.objects.filter(organisation_number=old).update(organisation_number=new)
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


def _org(number):
    return Organisation.objects.get(organisation_number=number)


def load_agreements(stdout):
    today = timezone.localdate()
    lead = User.objects.filter(email="lead@example.org").first()
    agreements = [
        ("232100-0016", "Avsiktsförklaring Teknikcollege Stockholm", 400, 700),
        ("212000-0142", "Samverkansavtal Södertälje kommun", 300, 800),
        ("212000-0043", "Samverkansavtal Huddinge kommun", 300, 800),
        ("556712-3459", "Samverkansavtal LK Precision", 330, 40),  # ends soon: reminder shows
        ("556834-5671", "Avsiktsförklaring Södertälje Mekaniska", 200, 500),
        ("802412-3450", "Samverkansavtal IF Metall", 900, -30),  # expired
    ]
    for number, title, started_days_ago, ends_in_days in agreements:
        organisation = _org(number)
        valid_from = today - timedelta(days=started_days_ago)
        Agreement.objects.update_or_create(
            organisation=organisation,
            title=title,
            defaults={
                "signed_on": valid_from - timedelta(days=14),
                "valid_from": valid_from,
                "valid_to": today + timedelta(days=ends_in_days),
                "scope": "Praktikplatser, studiebesök och kravställning på utbildningen.",
                "responsible": lead,
            },
        )
    # A declaration of intent between a company and the municipal school, on both their pages.
    valid_from = today - timedelta(days=120)
    Agreement.objects.update_or_create(
        organisation=_org("556712-3459"),
        title="Avsiktsförklaring LK Precision – Täljegymnasiet",
        defaults={
            "kind": AgreementKind.INTENT,
            "counterparty": _org(TALJE),
            "signed_on": valid_from - timedelta(days=7),
            "valid_from": valid_from,
            "valid_to": today + timedelta(days=3 * 365),
            "scope": "Gästföreläsningar, lärarpraktik och praktikplatser för Industritekniska programmet.",
            "responsible": lead,
        },
    )
    stdout.write(f"  {len(agreements)} agreements, 1 declaration of intent")


def load_steering_groups(stdout):
    start = timezone.localdate() - timedelta(days=365)
    regional, _ = SteeringGroup.objects.update_or_create(
        name="Regional styrgrupp Teknikcollege Stockholm",
        defaults={"level": "regional", "municipality": ""},
    )
    local, _ = SteeringGroup.objects.update_or_create(
        name="Lokal styrgrupp Södertälje",
        defaults={"level": "local", "municipality": "Södertälje"},
    )
    # The regional group meets the rule: companies in majority, chaired by a company.
    regional_members = [
        ("Karin Berg", "556712-3459", True),
        ("Jonas Ek", "556834-5671", False),
        ("Lena Ström", "802002-4686", False),
        ("Anna Holm", "232100-0016", False),
        ("Sara Nyberg", "556712-3459", False),
        ("Peter Ali", "556834-5671", False),
    ]
    # The local group breaks it: the municipality chairs and companies are a minority.
    local_members = [
        ("Eva Sjöberg", "212000-0142", True),
        ("Karin Berg", "556712-3459", False),
        ("Maria Sandström", TALJE, False),
        ("Ali Karimi", "802412-3450", False),
    ]
    for group, members in ((regional, regional_members), (local, local_members)):
        for name, number, chair in members:
            user = User.objects.filter(full_name=name).first()
            SteeringGroupMember.objects.update_or_create(
                group=group,
                person_name=name,
                organisation=_org(number),
                defaults={"is_chair": chair, "from_date": start, "user": user},
            )
        Meeting.objects.get_or_create(group=group, date=start + timedelta(days=90))
    stdout.write("  2 steering groups")
