"""Demo accounts: one per role, all with the password in DEMO_PASSWORD."""

from .models import Role, User

DEMO_PASSWORD = "teknik-demo-2026"

DEMO_USERS = [
    ("student@example.org", "Elsa Lindqvist", Role.STUDENT, False),
    ("student2@example.org", "Omar Haddad", Role.STUDENT, False),
    ("lk@example.org", "Karin Berg", Role.COMPANY_REP, False),
    ("rep2@example.org", "Jonas Ek", Role.COMPANY_REP, False),
    ("teacher@example.org", "Maria Sandström", Role.SCHOOL_STAFF, False),
    ("lead@example.org", "Anna Holm", Role.PROJECT_LEAD, True),
]


def load(stdout):
    from allauth.account.models import EmailAddress

    for email, name, role, staff in DEMO_USERS:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={"full_name": name, "role": role, "is_staff": staff, "is_superuser": staff},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        stdout.write(f"  {'created' if created else 'kept'} {email} ({role})")
