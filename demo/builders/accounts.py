from django.contrib.auth import get_user_model

from accounts.models import Country, Institution, Region, Role
from accounts.services import role_grant

DEMO_PASSWORD = "maktaba-demo"  # noqa: S105 - printed by `make run`; demo only

REGIONS = {"EG": ["Cairo", "Alexandria", "Giza"], "TN": ["Tunis", "Sfax"], "KG": ["Bishkek", "Osh"]}
INSTITUTIONS = [
    ("EG", "Cairo", "Al-Nasr Primary School"),
    ("EG", "Giza", "Giza Teacher Training Centre"),
    ("TN", "Tunis", "Lycée Pilote de Tunis"),
    ("KG", "Bishkek", "School No. 5, Bishkek"),
]


def _user(email: str, full_name: str, **fields):
    User = get_user_model()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=full_name, **fields)
    return user


def build() -> list[str]:
    regions = {}
    for code, names in REGIONS.items():
        country = Country.objects.get(code=code)
        for name in names:
            regions[(code, name)], _ = Region.objects.get_or_create(country=country, name=name)
    institutions = {}
    for code, region, name in INSTITUTIONS:
        institutions[name], _ = Institution.objects.get_or_create(
            country=regions[(code, region)].country, region=regions[(code, region)], name=name
        )
    egypt = Country.objects.get(code="EG")
    cairo = regions[("EG", "Cairo")]

    _user(
        "teacher@example.org",
        "Amina Hassan",
        preferred_language="ar",
        time_zone="Africa/Cairo",
        country=egypt,
        region=cairo,
        institution=institutions["Al-Nasr Primary School"],
        school_role="teacher",
        certificate_name="أمينة حسن",
        certificate_name_latin="Amina Hassan",
    )
    trainer = _user("trainer@example.org", "Olga Petrova", preferred_language="ru", time_zone="Europe/Moscow")
    role_grant(user=trainer, role=Role.TRAINER)
    ministry = _user(
        "ministry@example.org", "Karim Mansour", preferred_language="en", time_zone="Africa/Cairo", country=egypt
    )
    role_grant(user=ministry, role=Role.MINISTRY_OFFICIAL, country=egypt)
    admin = _user("admin@example.org", "Site Administrator", is_staff=True, is_superuser=True)
    return [
        "teacher@example.org   teacher (Egypt, Arabic)",
        "trainer@example.org   trainer (Russian)",
        f"ministry@example.org  ministry official for {egypt.name}",
        f"{admin.email}     site administrator (superuser): /cms-admin/ and /django-admin/",
    ]
