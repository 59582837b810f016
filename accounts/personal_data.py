"""A teacher's personal data: what she can download ("Download my data") and what is erased when she deletes her
account ("Delete my account"). See docs/decisions/0010-personal-data.md.

``accounts`` sits below the apps that hold most of her data, so it cannot read them itself. Each app registers a
provider (from its ``AppConfig.ready()``) with ``register``; a provider has a ``name`` (its key in ``data.json``)
and three methods:

- ``export(user) -> dict``: her data in that app, as plain JSON values (dates, decimals and UUIDs are turned into
  strings here);
- ``files(user) -> iterable of (name in the zip, name in the default storage)``: files that belong in her zip
  (optional: a provider without files need not define it);
- ``erase(user, *, erasure) -> None``: remove or anonymise her data in that app, inside the erasure's transaction.
  Files go through ``erasure.delete_file`` (deleted once the transaction commits, never before: a rollback leaves
  them); free text that may name her goes through ``erasure.scrub``.

``account_erase`` runs every provider, then anonymises the account itself and scrubs what ``accounts`` and ``core``
keep about her (the audit log, background jobs, the admin's and Wagtail's log entries) — all in one transaction.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol, runtime_checkable

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Cast
from wagtail.models import ModelLogEntry, PageLogEntry, PageSubscription
from wagtail.users.models import UserProfile

from core.models import Job

from .models import ApiToken, AuditEntry, RoleGrant, User

logger = logging.getLogger("maktaba.accounts")

ERASED = "[erased]"  # what replaces her name, email or ID in text that stays (audit log, job labels, log entries)
ERASED_EMAIL_DOMAIN = "invalid"  # RFC 2606: an address there can never be delivered to
MIN_NEEDLE_LENGTH = 3  # shorter strings (initials) would scrub unrelated text


@runtime_checkable
class PersonalDataProvider(Protocol):
    name: str

    def export(self, user: User) -> dict[str, Any]: ...

    def erase(self, user: User, *, erasure: Erasure) -> None: ...


_providers: list[PersonalDataProvider] = []


def register(provider: PersonalDataProvider) -> None:
    """Add an app's provider (from its ``AppConfig.ready()``); registering the same one twice does nothing."""
    if not isinstance(provider, PersonalDataProvider):
        raise TypeError(f"{provider!r} is not a personal data provider")
    if all(existing.name != provider.name for existing in _providers):
        _providers.append(provider)


def providers() -> list[PersonalDataProvider]:
    return list(_providers)


# Download my data ------------------------------------------------------------------------------------------------


def personal_data_export(user: User) -> dict[str, Any]:
    """Everything about ``user``: her account (``accounts``), then each registered app's part, as JSON values."""
    data: dict[str, Any] = {"account": _account_export(user)}
    for provider in _providers:
        data[provider.name] = provider.export(user)
    # Through the encoder and back: every value is now plain JSON (dates as ISO strings, decimals as strings).
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def personal_data_files(user: User) -> Iterator[tuple[str, str]]:
    """The files that belong in her zip: ``(name in the zip, name in the default storage)``."""
    for provider in _providers:
        files = getattr(provider, "files", None)
        if files is not None:
            yield from files(user)


def _account_export(user: User) -> dict[str, Any]:
    profile = {
        "email": user.email,
        "username": user.username,
        "date_joined": user.date_joined,
        "last_activity": user.last_activity,
        "is_active": user.is_active,
    }
    for name in User.PROFILE_FIELDS:
        value = getattr(user, name)
        profile[name] = str(value) if isinstance(value, models.Model) else value
    return {
        "profile": profile,
        "roles": [
            {
                "role": grant.role,
                "role_name": grant.get_role_display(),
                "country": grant.country.code if grant.country else None,
                "region": grant.region.name if grant.region else None,
                "partner_site": str(grant.partner_site.site) if grant.partner_site else None,
                "granted_at": grant.granted_at,
            }
            for grant in RoleGrant.objects.filter(user=user).select_related("country", "region", "partner_site__site")
        ],
        # The names of her API tokens and when they were used (the keys themselves are nowhere).
        "api_tokens": [
            {
                "name": token.name,
                "created_at": token.created_at,
                "last_used_at": token.last_used_at,
                "expires_at": token.expires_at,
                "revoked_at": token.revoked_at,
            }
            for token in ApiToken.objects.filter(user=user).order_by("created_at", "pk")
        ],
        # Who among the officials looked at her data, and when (the audit log: what, not who).
        "views_of_my_data_by_officials": [
            {"action": entry.action, "when": entry.created_at}
            for entry in AuditEntry.objects.filter(subject=user).order_by("created_at", "pk")
        ],
    }


# Delete my account -----------------------------------------------------------------------------------------------


@dataclass
class Erasure:
    """One account's erasure in progress: what identifies her (to scrub it from text that stays), and the files
    to delete once it has committed."""

    user_id: int
    needles: list[str]
    _files: list[str] = field(default_factory=list)

    def delete_file(self, name: str) -> None:
        """Delete ``name`` from the default storage once the erasure has committed."""
        if name:
            self._files.append(name)

    def scrub(self, value: Any) -> Any:
        """``value`` (text, or JSON: lists and dicts of it) with her name, email and IDs replaced by ``ERASED``."""
        if isinstance(value, str):
            return self._pattern.sub(ERASED, value) if self._pattern else value
        if isinstance(value, list):
            return [self.scrub(item) for item in value]
        if isinstance(value, dict):
            return {key: self.scrub(item) for key, item in value.items()}
        return value

    def mentions(self, *fields: str, json_fields: Iterable[str] = ()) -> Q:
        """A condition for rows whose ``fields`` (text) or ``json_fields`` mention her (case-insensitive). JSON is
        compared as its text, in both forms a database may keep it in (SQLite escapes non-ASCII letters)."""
        condition = Q(pk__in=[])
        for needle in self.needles:
            for name in fields:
                condition |= Q(**{f"{name}__icontains": needle})
            for name in json_fields:
                for form in {needle, json.dumps(needle)[1:-1]}:
                    condition |= Q(**{f"_text_{name}__icontains": form})
        return condition

    def rows_mentioning(
        self, queryset: models.QuerySet, *, fields: Iterable[str] = (), json_fields: Iterable[str] = ()
    ) -> models.QuerySet:
        """The rows of ``queryset`` whose ``fields`` (text) or ``json_fields`` mention her."""
        if not self.needles:
            return queryset.none()
        json_fields = list(json_fields)
        annotated = queryset.annotate(**{f"_text_{name}": Cast(name, models.TextField()) for name in json_fields})
        return annotated.filter(self.mentions(*fields, json_fields=json_fields))

    def scrub_rows(self, queryset: models.QuerySet, *, fields: Iterable[str] = (), json_fields: Iterable[str] = ()):
        """Rewrite the rows of ``queryset`` that mention her, with her name, email and IDs replaced. Returns how
        many rows changed."""
        fields, json_fields = list(fields), list(json_fields)
        changed = 0
        for row in self.rows_mentioning(queryset, fields=fields, json_fields=json_fields):
            for name in (*fields, *json_fields):
                setattr(row, name, self.scrub(getattr(row, name)))
            row.save(update_fields=[*fields, *json_fields])
            changed += 1
        return changed

    @cached_property
    def _pattern(self) -> re.Pattern | None:
        if not self.needles:
            return None
        return re.compile("|".join(re.escape(needle) for needle in self.needles), re.IGNORECASE)

    def _delete_files(self) -> None:
        for name in self._files:
            try:
                default_storage.delete(name)
            except OSError:  # gone already, or the storage is down: log it, the account is erased anyway
                logger.warning("Erasure of user %s: could not delete the file %s", self.user_id, name, exc_info=True)


def identifying_strings(user: User, *, extra: Iterable[str] = ()) -> list[str]:
    """What identifies ``user`` in free text: her names, email address, username and national teacher ID (and
    ``extra``, e.g. the names printed on her certificates); longest first, so a full name is replaced before a part
    of it."""
    values = {
        user.full_name,
        user.certificate_name,
        user.certificate_name_latin,
        user.email or "",
        user.username or "",
        user.national_teacher_id,
        *extra,
    }
    needles = {" ".join(value.split()) for value in values if value}
    return sorted((needle for needle in needles if len(needle) >= MIN_NEEDLE_LENGTH), key=lambda s: (-len(s), s))


def erasure_keeps_certificates() -> bool:
    """``MAKTABA_ERASURE_KEEPS_CERTIFICATES``: an erased account's certificates stay verifiable with the name
    withheld (True, the default), or are deleted with it (False)."""
    return bool(getattr(settings, "MAKTABA_ERASURE_KEEPS_CERTIFICATES", True))


def account_erase_allowed(user: User, *, by: User) -> bool:
    """Only she erases her own account: nobody else, not even an administrator (who would deactivate it)."""
    return by.is_authenticated and by.pk == user.pk and user.is_active


def account_erase(user: User, *, by: User) -> None:
    """Erase ``user``'s account at her own request, in one transaction: every app's provider removes or anonymises
    her data, then her account is anonymised (the row stays, so the counts of ministry statistics stay right) and
    what mentions her in the audit log, background jobs and log entries is scrubbed. She can never sign in again;
    her sessions end (the caller logs the current one out). Files go once it has committed."""
    if not account_erase_allowed(user, by=by):
        raise PermissionDenied
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.is_active:
            raise PermissionDenied  # erased (or being erased) already
        names: set[str] = set()
        for provider in _providers:
            names.update(getattr(provider, "identifying_strings", lambda user: ())(user))
        erasure = Erasure(user_id=user.pk, needles=identifying_strings(user, extra=names))
        for provider in _providers:
            provider.erase(user, erasure=erasure)
        _erase_account(user, erasure=erasure)
        transaction.on_commit(erasure._delete_files)
    logger.info("User %s erased her account", user.pk)


def _erase_account(user: User, *, erasure: Erasure) -> None:
    token = secrets.token_hex(8)
    user.email = f"erased-{token}@{ERASED_EMAIL_DOMAIN}"
    user.username = None
    user.full_name = ""
    user.certificate_name = ""
    user.certificate_name_latin = ""
    user.national_teacher_id = ""
    user.institution = None
    user.school_role = ""
    user.gender = ""
    user.time_zone = "UTC"
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.must_change_password = False
    user.last_activity = None
    # Her sessions end: each session keeps a hash of the password, which no longer matches anything.
    user.set_unusable_password()
    user.save(
        update_fields=[
            "email",
            "username",
            "full_name",
            "certificate_name",
            "certificate_name_latin",
            "national_teacher_id",
            "institution",
            "school_role",
            "gender",
            "time_zone",
            "is_active",
            "is_staff",
            "is_superuser",
            "must_change_password",
            "last_activity",
            "password",
        ]
    )
    RoleGrant.objects.filter(user=user).delete()
    ApiToken.objects.filter(user=user).delete()
    user.groups.clear()
    user.user_permissions.clear()
    _erase_wagtail_profile(user, erasure=erasure)

    # What officials did with her data stays on record (who looked, when), but no longer names her.
    erasure.scrub_rows(AuditEntry.objects.all(), fields=["detail"])
    # Her own background jobs (her exports): gone, with their files. Emails still queued that name her (to her, or
    # about her) are not sent. Others' jobs that mention her (a trainer's bulk enrollment, say) stay, scrubbed.
    job_text = {"fields": ["label", "error"], "json_fields": ["args", "kwargs", "result"]}
    for result in Job.objects.filter(owner_id=user.pk).values_list("result", flat=True):
        if isinstance(result, dict):
            erasure.delete_file(result.get("file", ""))
    Job.objects.filter(owner_id=user.pk).delete()
    emails_to_her = erasure.rows_mentioning(Job.objects.filter(task_name="core.send_email"), **job_text)
    Job.objects.filter(pk__in=emails_to_her.values("pk")).delete()
    erasure.scrub_rows(Job.objects.all(), **job_text)
    # The operations admin's and Wagtail's logs: the entries stay (what was done, when), without her name.
    # Entries about her account itself may carry a name she has since changed: they lose it whatever it was.
    user_type = ContentType.objects.get_for_model(User)
    erasure.scrub_rows(LogEntry.objects.all(), fields=["object_repr", "change_message"])
    LogEntry.objects.filter(content_type=user_type, object_id=str(user.pk)).update(
        object_repr=ERASED, change_message=""
    )
    erasure.scrub_rows(ModelLogEntry.objects.all(), fields=["label"], json_fields=["data"])
    erasure.scrub_rows(PageLogEntry.objects.all(), fields=["label"], json_fields=["data"])
    ModelLogEntry.objects.filter(content_type=user_type, object_id=str(user.pk)).update(label=ERASED, data={})


def _erase_wagtail_profile(user: User, *, erasure: Erasure) -> None:
    profile = UserProfile.objects.filter(user=user).first()
    if profile is not None:
        if profile.avatar:
            erasure.delete_file(profile.avatar.name)
        profile.delete()
    PageSubscription.objects.filter(user=user).delete()
