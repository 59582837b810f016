"""Reference data every installation needs (used by migrations with historical models and by the test
fixture that restores it after transactional tests)."""

# Role groups and the Django permissions each holds. Wagtail's page permissions for trainers are granted on
# the course tree by the courses feature.
ROLE_GROUP_PERMISSIONS = {
    "Trainers": [("wagtailadmin", "admin", "access_admin")],
    "Ministry officials": [],
    "Site administrators": [("wagtailadmin", "admin", "access_admin")],
}


def ensure_role_groups(apps) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, permissions in ROLE_GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, model, codename in permissions:
            permission = Permission.objects.filter(
                content_type__app_label=app_label, content_type__model=model, codename=codename
            ).first()
            if permission is not None:
                group.permissions.add(permission)


def ensure_countries(apps) -> None:
    from .geography import iso_countries

    Country = apps.get_model("accounts", "Country")
    existing = set(Country.objects.values_list("code", flat=True))
    Country.objects.bulk_create(
        [Country(code=code, name=name) for code, name in iso_countries() if code not in existing]
    )
