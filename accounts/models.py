from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .geography import country_name


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


class Country(models.Model):
    """An ISO 3166-1 country (loaded by a migration). Names are shown in the viewer's language."""

    code = models.CharField(_("code"), max_length=2, unique=True)
    name = models.CharField(_("name in English"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.local_name

    @property
    def local_name(self) -> str:
        return country_name(self.code, self.name)


class Region(models.Model):
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="regions", verbose_name=_("country"))
    name = models.CharField(_("name"), max_length=150)
    code = models.CharField(_("code"), max_length=10, blank=True, help_text=_("ISO 3166-2 code, where it has one."))

    class Meta:
        ordering = ["country__name", "name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [models.UniqueConstraint(fields=["country", "name"], name="accounts_region_unique_name")]

    def __str__(self) -> str:
        return self.name


class Institution(models.Model):
    """A school, college or teacher-training centre."""

    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="institutions", verbose_name=_("country")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="institutions", verbose_name=_("region")
    )
    name = models.CharField(_("name"), max_length=255)

    class Meta:
        ordering = ["name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        constraints = [
            models.UniqueConstraint(fields=["country", "region", "name"], name="accounts_institution_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.region_id and self.region.country_id != self.country_id:
            raise ValidationError({"region": _("This region is not in the chosen country.")})


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, login: str) -> User:
        """Sign-in by email address or, for accounts without one, by username (both case-insensitive)."""
        login = (login or "").strip()
        if "@" in login:
            return self.get(email__iexact=login)
        return self.get(username__iexact=login)

    def _create(self, email: str | None, password: str | None, **fields) -> User:
        email = self.normalize_email(email).lower() if email else None
        if fields.get("username"):
            fields["username"] = fields["username"].strip().lower()
        user = self.model(email=email, **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str | None = None, password: str | None = None, **fields) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.update(is_staff=True, is_superuser=True)
        fields.setdefault("full_name", email.split("@")[0])
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who uses Maktaba. Signs in with her email address; teachers without one get a username
    and a one-time password from an administrator or trainer."""

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Another gender")
        UNDISCLOSED = "undisclosed", _("Prefer not to say")

    class SchoolRole(models.TextChoices):
        TEACHER = "teacher", _("Teacher")
        HEAD = "head", _("Head teacher or principal")
        DEPUTY = "deputy", _("Deputy head")
        ICT_COORDINATOR = "ict", _("ICT coordinator")
        LIBRARIAN = "librarian", _("Librarian")
        STUDENT_TEACHER = "student", _("Student teacher")
        TRAINER = "trainer", _("Teacher trainer")
        OTHER = "other", _("Other")

    email = models.EmailField(_("email address"), unique=True, null=True, blank=True)
    username = models.CharField(
        _("username"),
        max_length=150,
        null=True,
        blank=True,
        help_text=_("For accounts without an email address. Letters, digits and . _ - only."),
        validators=[
            RegexValidator(r"^[\w.-]+\Z", _("Use only letters, digits and the characters . _ -")),
        ],
    )
    full_name = models.CharField(_("full name"), max_length=255)
    certificate_name = models.CharField(
        _("name on certificates"),
        max_length=255,
        blank=True,
        help_text=_("Your name exactly as it should appear on certificates. Leave empty to use your full name."),
    )
    certificate_name_latin = models.CharField(
        _("name on certificates in Latin letters"),
        max_length=255,
        blank=True,
        help_text=_("The same name in Latin letters, as in your passport, if you want it shown too."),
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC", validators=[validate_time_zone])
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("country")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("institution"),
    )
    national_teacher_id = models.CharField(
        _("national teacher ID"),
        max_length=64,
        blank=True,
        help_text=_("The number your ministry gave you, if any."),
    )
    school_role = models.CharField(_("role in school"), max_length=20, choices=SchoolRole.choices, blank=True)
    gender = models.CharField(_("gender"), max_length=12, choices=Gender.choices, blank=True)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive accounts cannot sign in (e.g. email not yet confirmed).")
    )
    is_staff = models.BooleanField(
        _("staff status"), default=False, help_text=_("Can sign in to the Django operations admin.")
    )
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Asked to choose a new password at the next sign-in (one-time passwords)."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    last_activity = models.DateTimeField(_("last activity"), null=True, blank=True, db_index=True)

    objects = UserManager()

    # What a teacher edits on her profile (and administrators see in one group in the admin).
    PROFILE_FIELDS = (
        "full_name",
        "certificate_name",
        "certificate_name_latin",
        "preferred_language",
        "time_zone",
        "country",
        "region",
        "institution",
        "national_teacher_id",
        "school_role",
        "gender",
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_unique_email"),
            models.UniqueConstraint(Lower("username"), name="accounts_user_unique_username"),
            models.UniqueConstraint(
                fields=["country", "national_teacher_id"],
                condition=~Q(national_teacher_id=""),
                name="accounts_user_unique_national_id",
                violation_error_message=_("Another teacher in this country already has this national teacher ID."),
            ),
            models.CheckConstraint(
                condition=Q(email__isnull=False) | Q(username__isnull=False),
                name="accounts_user_email_or_username",
                violation_error_message=_("An account needs an email address or a username."),
            ),
        ]
        indexes = [models.Index(fields=["country", "region"], name="accounts_user_country_region")]

    def __str__(self) -> str:
        return self.full_name or self.login

    @property
    def login(self) -> str:
        """What the person types to sign in."""
        return self.email or self.username or ""

    def get_username(self) -> str:
        return self.login

    def natural_key(self) -> tuple[str]:
        return (self.login,)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.login

    @property
    def name_for_certificates(self) -> str:
        return self.certificate_name or self.full_name

    def clean(self) -> None:
        # Not AbstractBaseUser.clean(): it would copy get_username() (a username, for accounts without
        # email) into the email field.
        if self.email:
            self.email = self.__class__.objects.normalize_email(self.email).lower()
        else:
            self.email = None
        if self.username:
            self.username = self.username.strip().lower()
        else:
            self.username = None
        if not self.email and not self.username:
            raise ValidationError(_("An account needs an email address or a username."))
        if self.region_id and self.country_id and self.region.country_id != self.country_id:
            raise ValidationError({"region": _("This region is not in the chosen country.")})
        if self.national_teacher_id and not self.country_id:
            raise ValidationError({"country": _("Choose the country that issued the national teacher ID.")})

    @cached_property
    def role_names(self) -> frozenset[str]:
        return frozenset(self.role_grants.values_list("role", flat=True))

    @property
    def is_trainer(self) -> bool:
        return self.is_superuser or Role.TRAINER in self.role_names

    @property
    def is_ministry_official(self) -> bool:
        """For showing links only, like ``is_site_administrator``."""
        return Role.MINISTRY_OFFICIAL in self.role_names

    @property
    def is_site_administrator(self) -> bool:
        """For showing links only: what she may do is decided by the selectors and services."""
        return self.is_superuser or Role.SITE_ADMINISTRATOR in self.role_names


class Role(models.TextChoices):
    TRAINER = "trainer", _("Trainer")
    MINISTRY_OFFICIAL = "ministry", _("Ministry official")
    SITE_ADMINISTRATOR = "site_admin", _("Site administrator")


class PartnerSite(models.Model):
    """A national hub: a Wagtail site with its own domain, languages and branding, serving one country."""

    site = models.OneToOneField(
        "wagtailcore.Site", on_delete=models.CASCADE, related_name="partner", verbose_name=_("Wagtail site")
    )
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country"))

    class Meta:
        verbose_name = _("partner site")
        verbose_name_plural = _("partner sites")

    def __str__(self) -> str:
        return f"{self.site} ({self.country})"


class RoleGrant(models.Model):
    """A role given to a user, with the scope it covers: a ministry official sees one country (optionally one
    region); a site administrator one partner site; a trainer's scope is her own courses and events."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("country")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    partner_site = models.ForeignKey(
        PartnerSite, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("partner site")
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "country", "region", "partner_site"],
                name="accounts_rolegrant_unique",
            ),
            models.CheckConstraint(
                condition=~Q(role="ministry") | Q(country__isnull=False),
                name="accounts_rolegrant_ministry_has_country",
                violation_error_message=_("A ministry official's role needs a country."),
            ),
            models.CheckConstraint(
                condition=~Q(role="site_admin") | Q(partner_site__isnull=False),
                name="accounts_rolegrant_site_admin_has_site",
                violation_error_message=_("A site administrator's role needs a partner site."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.user}"

    def clean(self) -> None:
        if self.role == Role.MINISTRY_OFFICIAL and not self.country_id:
            raise ValidationError({"country": _("A ministry official's role needs a country.")})
        if self.role == Role.SITE_ADMINISTRATOR and not self.partner_site_id:
            raise ValidationError({"partner_site": _("A site administrator's role needs a partner site.")})
        if self.region_id and self.region.country_id != self.country_id:
            raise ValidationError({"region": _("This region is not in the chosen country.")})


class AuditEntry(models.Model):
    """One view or export of personal data by an official (a ministry official, a site administrator): who, what,
    whose, when. Written by the pages that show it (``accounts.audit.audit_record``), with the countries it concerns
    (``AuditEntryCountry``); read by superusers and by the site administrators of those countries."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    action = models.CharField(_("action"), max_length=40)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("about"),
    )
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        # The audit log filtered by action, newest first.
        indexes = [models.Index(fields=["action", "-created_at"], name="accounts_audit_action_new")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"


class AuditEntryCountry(models.Model):
    """A country an audit entry concerns, copied when the entry is written (``accounts.audit.audit_record``): the
    countries of the actor's roles (a ministry official's country, a site administrator's partner site's country)
    and the subject's country. A site administrator reads her country's entries, newest first, by walking
    ``accounts_auditcountry_new`` for that country instead of checking every entry of the log; ``action`` and
    ``created_at`` are the entry's, copied so that the indexes hold the filter and the order. One row per entry and
    country (decision record 0013)."""

    # The unique constraint (entry, country) and the index (country, ...) serve the foreign keys' lookups.
    entry = models.ForeignKey(
        AuditEntry, on_delete=models.CASCADE, related_name="countries", db_index=False, verbose_name=_("audit entry")
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="+", db_index=False, verbose_name=_("country")
    )
    action = models.CharField(_("action"), max_length=40)
    created_at = models.DateTimeField(_("when"))

    class Meta:
        verbose_name = _("audit entry country")
        verbose_name_plural = _("audit entry countries")
        constraints = [models.UniqueConstraint(fields=["entry", "country"], name="accounts_auditcountry_unique")]
        # A country's audit log, newest first (the entry's own order: -created_at, -pk), and filtered by action:
        # each serves both the page and its count without reading the entries.
        indexes = [
            models.Index(fields=["country", "-created_at", "-entry"], name="accounts_auditcountry_new"),
            models.Index(fields=["country", "action", "-created_at", "-entry"], name="accounts_auditcountry_action"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.country_id}"


class ApiToken(models.Model):
    """A key for the REST API (``/api/v1/``), for a ministry's or a partner's system acting as its owner: it sees
    exactly what the owner sees. Only the key's SHA-256 is stored; the key itself is shown once, when it is made
    (``accounts.api_tokens``). Not Wagtail's own ``APIToken`` (its admin API), which is a separate thing."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rest_api_tokens", verbose_name=_("owner")
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the key is for, e.g. the system that uses it.")
    )
    key_hash = models.CharField(_("SHA-256 of the key"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True, help_text=_("Empty: never expires."))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return self.name

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    def is_usable(self, now=None) -> bool:
        return not self.is_revoked and not self.is_expired(now)
