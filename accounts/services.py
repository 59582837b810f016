from __future__ import annotations

import logging
import secrets

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from core.mail import email_send

from .models import Country, Institution, PartnerSite, Region, Role, RoleGrant, User
from .selectors import user_has_role
from .tokens import activation_token

logger = logging.getLogger("maktaba.accounts")

# The Django group each role puts its holders in (created by a migration), for Wagtail's permissions.
ROLE_GROUPS = {
    Role.TRAINER: "Trainers",
    Role.MINISTRY_OFFICIAL: "Ministry officials",
    Role.SITE_ADMINISTRATOR: "Site administrators",
}
ONE_TIME_PASSWORD_WORDS = 4


class AccountError(Exception):
    """A domain error with a message that can be shown to the user as it is."""


def _absolute(site_url: str, path: str) -> str:
    return site_url.rstrip("/") + path


def user_sign_up(
    *,
    email: str,
    full_name: str,
    password: str,
    language: str,
    country: Country | None = None,
    site_url: str,
) -> User | None:
    """Create an inactive account and email a confirmation link in ``language``.

    Says nothing about whether the address is already registered (no account enumeration): the owner of an
    existing active account gets an email telling her so, an unconfirmed one gets a fresh link, and the
    caller shows the same "check your email" page either way. Returns the new user, or None."""
    email = User.objects.normalize_email(email).strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        if existing.is_active:
            email_send(
                to=existing.email,
                language=existing.preferred_language,
                template="accounts/email/already_registered",
                context={
                    "user": existing,
                    "login_url": _absolute(site_url, _localized(existing, "accounts:login")),
                    "reset_url": _absolute(site_url, _localized(existing, "accounts:password-reset")),
                },
            )
        else:
            user_send_activation(existing, site_url=site_url)
        return None
    user = User(
        email=email,
        full_name=full_name.strip(),
        preferred_language=language,
        country=country,
        is_active=False,
    )
    if not _save_new_user(user, password=password):
        return None  # someone signed up with this address at the same moment: treat it as already registered
    user_send_activation(user, site_url=site_url)
    return user


def _save_new_user(user: User, *, password: str) -> bool:
    """Validate and insert a new account. False when the unique constraints lost a race to another insert."""
    user.set_password(password)
    user.full_clean(exclude=["password"])
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        return False
    return True


def _localized(user: User, url_name: str, **kwargs) -> str:
    with translation.override(user.preferred_language):
        return reverse(url_name, kwargs=kwargs or None)


def user_send_activation(user: User, *, site_url: str) -> None:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = activation_token.make_token(user)
    email_send(
        to=user.email,
        language=user.preferred_language,
        template="accounts/email/activation",
        context={
            "user": user,
            "activation_url": _absolute(site_url, _localized(user, "accounts:activate", uidb64=uid, token=token)),
            "valid_days": settings.ACCOUNT_ACTIVATION_TIMEOUT // 86400,
        },
    )


def user_activate(*, uidb64: str, token: str) -> User:
    """Confirm an email address from the link. Raises ``AccountError`` for a bad or used link."""
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (User.DoesNotExist, ValueError, TypeError, OverflowError, ValidationError):
        user = None
    if user is None or user.is_active or not activation_token.check_token(user, token):
        raise AccountError(_("This confirmation link is invalid or has already been used."))
    User.objects.filter(pk=user.pk, is_active=False).update(is_active=True)
    user.is_active = True
    return user


def user_create_with_username(
    *,
    created_by: User,
    username: str,
    full_name: str,
    language: str,
    country: Country | None = None,
    region: Region | None = None,
    institution: Institution | None = None,
) -> tuple[User, str]:
    """An account for a teacher without an email address, with a one-time password she must change at her
    first sign-in. Only trainers, site administrators and superusers may do this. Returns the user and the
    password, which is shown once and stored only as a hash."""
    if not user_has_role(created_by, Role.TRAINER, Role.SITE_ADMINISTRATOR):
        raise PermissionDenied(_("Only trainers and administrators can create accounts for others."))
    username = username.strip().lower()
    if User.objects.filter(username__iexact=username).exists():
        raise AccountError(_("That username is already taken. Choose another."))
    password = one_time_password()
    user = User(
        username=username,
        full_name=full_name.strip(),
        preferred_language=language,
        country=country,
        region=region,
        institution=institution,
        must_change_password=True,
    )
    if not _save_new_user(user, password=password):
        raise AccountError(_("That username is already taken. Choose another."))
    logger.info("User %s created username account %s", created_by.pk, user.pk)
    return user, password


def one_time_password() -> str:
    """Easy to read out and type on a phone: four groups of four lowercase letters and digits."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(ONE_TIME_PASSWORD_WORDS))


def user_set_password(user: User, *, password: str) -> None:
    """Set a new password (already validated by the form) and lift any must-change flag. Other sessions of
    this user end because the session hash changes; the caller keeps the current one."""
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])


def user_update_profile(user: User, **fields) -> User:
    unknown = set(fields) - set(User.PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save(update_fields=sorted(fields))
    return user


def user_set_language(user: User, *, language: str) -> None:
    if language not in dict(settings.LANGUAGES) or user.preferred_language == language:
        return
    User.objects.filter(pk=user.pk).update(preferred_language=language)
    user.preferred_language = language


def user_record_activity(user: User) -> None:
    """Note that ``user`` is active, at most once per ``LAST_ACTIVITY_INTERVAL`` (one UPDATE an hour)."""
    now = timezone.now()
    if user.last_activity and now - user.last_activity < settings.LAST_ACTIVITY_INTERVAL:
        return
    User.objects.filter(pk=user.pk).update(last_activity=now)
    user.last_activity = now


@transaction.atomic
def role_grant(
    *,
    user: User,
    role: str,
    country: Country | None = None,
    region: Region | None = None,
    partner_site: PartnerSite | None = None,
    granted_by: User | None = None,
) -> RoleGrant:
    grant = RoleGrant(
        user=user, role=role, country=country, region=region, partner_site=partner_site, granted_by=granted_by
    )
    grant.full_clean(validate_unique=False)
    existing = RoleGrant.objects.filter(
        user=user, role=role, country=country, region=region, partner_site=partner_site
    ).first()
    if existing is not None:
        return existing
    grant.save()
    user_sync_groups(user)
    return grant


@transaction.atomic
def role_revoke(grant: RoleGrant) -> None:
    user = grant.user
    grant.delete()
    user_sync_groups(user)


def user_sync_groups(user: User) -> None:
    """Put ``user`` in exactly the role groups her grants call for (Wagtail permissions follow groups)."""
    roles = set(RoleGrant.objects.filter(user=user).values_list("role", flat=True))
    groups = {group.name: group for group in Group.objects.filter(name__in=ROLE_GROUPS.values())}
    for role, group_name in ROLE_GROUPS.items():
        group = groups.get(group_name)
        if group is None:
            continue
        if role in roles:
            user.groups.add(group)
        else:
            user.groups.remove(group)


def user_request_password_reset(*, email: str, site_url: str) -> None:
    """Email a password-reset link, in her language, to the active account with this address, if any. The
    caller shows the same page whether or not there was one (no account enumeration)."""
    from django.contrib.auth.tokens import default_token_generator

    for user in User.objects.filter(email__iexact=email.strip(), is_active=True):
        # Invited accounts have no usable password yet: a reset link is also how they get a fresh invitation.
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        email_send(
            to=user.email,
            language=user.preferred_language,
            template="accounts/email/password_reset",
            context={
                "user": user,
                "reset_url": _absolute(
                    site_url, _localized(user, "accounts:password-reset-confirm", uidb64=uid, token=token)
                ),
                "valid_days": settings.PASSWORD_RESET_TIMEOUT // 86400,
            },
        )
