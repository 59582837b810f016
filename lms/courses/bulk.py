"""Bulk enrollment from a CSV file of teachers.

Three steps, each usable on its own:

- ``bulk_parse`` reads the uploaded bytes (size, encoding, delimiter, header) into plain rows. It touches no
  database and reads at most ``MAX_BYTES`` + 1 bytes, so a huge file is refused without being held in memory.
- ``bulk_validate`` checks every row against the database in a fixed number of queries (countries, regions,
  institutions, accounts, enrollments: one each, whatever the number of rows) and says what would happen
  to each row: a new account, an existing account enrolled, already enrolled, or the reasons it cannot be.
- ``bulk_enroll`` (the service) validates again — accounts may have changed since the preview — and then
  creates the missing accounts and enrolls everyone in one transaction, or writes nothing at all.

Rows travel between the preview, the confirmation and the background job as ``SourceRow`` tuples (plain
JSON lists), never as model instances.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, NamedTuple

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Lower
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.geography import country_name
from accounts.models import Country, Institution, Region, User
from accounts.services import one_time_password
from core.jobs import job_progress
from core.mail import email_send
from core.models import Job
from core.text import fold

from .models import Course, Enrollment
from .selectors import user_can_manage_course
from .services import course_title_in, enrollment_add

TASK_NAME = "courses.bulk_enroll"
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_CELL = 1000  # longer cells are cut here (and then refused by the length checks)
BATCH = 500

# Outcomes of a row.
NEW = "new"
ENROLL = "enroll"
ALREADY = "already"
ERROR = "error"

LEARNING = {Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED}
USERNAME_RE = re.compile(r"^[\w.-]+\Z")  # as the User.username validator
USERNAME_MAX = User._meta.get_field("username").max_length
FULL_NAME_MAX = User._meta.get_field("full_name").max_length
EMAIL_MAX = User._meta.get_field("email").max_length


class BulkFileError(Exception):
    """The file as a whole cannot be read; each message is worded for the trainer."""

    def __init__(self, *messages: str) -> None:
        super().__init__(" ".join(str(message) for message in messages))
        self.messages = [str(message) for message in messages]


class BulkEnrollmentError(Exception):
    """The list cannot be enrolled (any more): nothing was written. ``errors`` holds the rows at fault."""

    def __init__(self, message: str, *, errors: Sequence[RowCheck] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.errors = list(errors)


# Columns -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    names: tuple[str, ...]  # accepted header names; matched case-insensitively, "_", "-" and spaces alike
    description: Any


COLUMNS = (
    Column(
        "email",
        (
            "email",
            "e-mail",
            "email address",
            "mail",
            "Электронная почта",
            "Эл. почта",
            "Почта",
            "البريد الإلكتروني",
            "البريد",
        ),
        gettext_lazy("The teacher's email address. New accounts get an invitation to choose a password."),
    ),
    Column(
        "username",
        ("username", "login", "Имя пользователя", "Логин", "اسم المستخدم"),
        gettext_lazy(
            "For teachers without email: letters, digits and . _ - only. New accounts get a one-time password, "
            "which you download once after the enrollment."
        ),
    ),
    Column(
        "full_name",
        ("full_name", "full name", "name", "ФИО", "Полное имя", "Имя", "الاسم الكامل", "الاسم"),
        gettext_lazy("Required. As it should appear on certificates."),
    ),
    Column(
        "country",
        ("country", "Страна", "الدولة", "البلد"),
        gettext_lazy("Optional. Two-letter ISO code (EG, RU, JO) or the country's name."),
    ),
    Column(
        "region",
        ("region", "Регион", "Область", "المنطقة", "المحافظة"),
        gettext_lazy("Optional. A region of that country, as registered on Maktaba."),
    ),
    Column(
        "institution",
        ("institution", "school", "Учреждение", "Школа", "المؤسسة", "المدرسة"),
        gettext_lazy("Optional. A school already registered on Maktaba in that country (and region)."),
    ),
    Column(
        "language",
        ("language", "lang", "Язык", "اللغة"),
        gettext_lazy("Optional. en, ru or ar. Empty: the language you are using now."),
    ),
)
COLUMN_KEYS = tuple(column.key for column in COLUMNS)


def _header_key(title: str) -> str:
    """How header names are compared: case, spelling variants, "_", "-", "." and extra spaces do not count."""
    return " ".join(re.sub(r"[_\-.:*]+", " ", fold(title)).split())


HEADER_INDEX = {_header_key(name): column.key for column in COLUMNS for name in column.names}


class SourceRow(NamedTuple):
    """One data row of the file as the trainer wrote it (cells trimmed). ``number`` is its row in the
    spreadsheet, the header being row 1."""

    number: int
    email: str = ""
    username: str = ""
    full_name: str = ""
    country: str = ""
    region: str = ""
    institution: str = ""
    language: str = ""

    @property
    def login(self) -> str:
        return self.email or self.username

    @classmethod
    def load(cls, values: Sequence[Any]) -> SourceRow:
        """From its JSON form (a list), as stored in the session or a job's arguments."""
        number, *cells = values
        if len(cells) != len(COLUMN_KEYS):
            raise ValueError("not a bulk enrollment row")
        return cls(int(number), *(str(cell) for cell in cells))


@dataclass
class ParsedFile:
    rows: list[SourceRow]
    encoding: str  # a codec name: utf-8, utf-16, cp1251, cp1256
    delimiter: str
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def encoding_guessed(self) -> bool:
        return self.encoding in GUESSED_ENCODINGS


GUESSED_ENCODINGS = {"cp1251", "cp1256"}


def encoding_label(encoding: str) -> str:
    return {
        "utf-8": "UTF-8",
        "utf-16": "UTF-16",
        "cp1251": _("Windows-1251 (Cyrillic)"),
        "cp1256": _("Windows-1256 (Arabic)"),
    }.get(encoding, encoding)


# Reading the file ----------------------------------------------------------------------------------------


def bulk_parse(file: IO[bytes]) -> ParsedFile:
    """Read an uploaded CSV file into rows. Raises ``BulkFileError`` for a file that cannot be used at all
    (too large, empty, unreadable, columns missing, too many rows). Looks at no database."""
    data = read_limited(file)
    text, encoding = decode(data)
    if not text.strip():
        raise BulkFileError(_("The file is empty."))
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[SourceRow] = []
    number = 0
    try:
        header: list[str] = []
        for record in reader:
            number += 1
            if any(cell.strip() for cell in record):
                header = record
                break
        columns, ignored = map_header(header)
        for record in reader:
            number += 1
            cells = [_clean(cell) for cell in record]
            if not any(cells):
                continue  # blank lines are skipped, but still counted so numbers match the spreadsheet
            if len(rows) == MAX_ROWS:
                raise BulkFileError(
                    ngettext(
                        "The file has more than %(limit)s teacher. Split it into files of up to %(limit)s rows.",
                        "The file has more than %(limit)s teachers. Split it into files of up to %(limit)s rows.",
                        MAX_ROWS,
                    )
                    % {"limit": MAX_ROWS}
                )
            values = {key: cells[index] if index < len(cells) else "" for key, index in columns.items()}
            rows.append(SourceRow(number, *(values.get(key, "") for key in COLUMN_KEYS)))
    except csv.Error as error:
        raise BulkFileError(
            _("Row %(row)s cannot be read (%(error)s). Save the file again as CSV and upload it.")
            % {"row": number, "error": error}
        ) from error
    if not rows:
        raise BulkFileError(_("The file has a header row but no teachers."))
    return ParsedFile(rows=rows, encoding=encoding, delimiter=delimiter, ignored_columns=ignored)


def read_limited(file: IO[bytes]) -> bytes:
    """The whole file, if it is at most ``MAX_BYTES``: a larger one is refused after reading one byte more
    than the limit (or none at all, when its size is known)."""
    too_large = BulkFileError(
        _("The file is too large: it may be at most %(limit)s.") % {"limit": filesizeformat(MAX_BYTES)}
    )
    size = getattr(file, "size", None)
    if size is not None and size > MAX_BYTES:
        raise too_large
    with contextlib.suppress(AttributeError, OSError):  # a stream that cannot seek is read from where it is
        file.seek(0)
    data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise too_large
    return data


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read in. A byte-order mark decides (UTF-8 or UTF-16, as Excel
    writes them); otherwise UTF-8, and only if that fails Windows-1251 (Cyrillic) or Windows-1256 (Arabic),
    whichever makes more sense of the letters."""
    if data.startswith(codecs.BOM_UTF8):
        return _decode_declared(data[len(codecs.BOM_UTF8) :], "utf-8"), "utf-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode_declared(data, "utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    encoding = _guess_windows_encoding(data)
    return data.decode(encoding), encoding


def _decode_declared(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise BulkFileError(
            _("The file says it is %(encoding)s but is not. Save it again as “CSV UTF-8” and upload it.")
            % {"encoding": encoding_label(encoding)}
        ) from error


_CYRILLIC_WORD = re.compile("[А-яЁё]+")


def _guess_windows_encoding(data: bytes) -> str:
    """Windows-1251 or Windows-1256 for bytes that are not UTF-8. Arabic bytes read as Windows-1251 give
    Cyrillic "words" with capitals and small letters mixed at random (ل, م, ن, ي fall on small letters,
    most other Arabic letters on capitals); real Cyrillic words are all capitals, all small or capitalised."""
    try:
        cyrillic = data.decode("cp1251")
    except UnicodeDecodeError:
        return "cp1256"  # byte 0x98 is undefined in Windows-1251 only
    words = _CYRILLIC_WORD.findall(cyrillic)
    long_words = [word for word in words if len(word) >= 4] or words
    if not long_words:
        return "cp1256"
    plausible = sum(word.isupper() or word.islower() or word.istitle() for word in long_words)
    return "cp1251" if plausible >= 0.8 * len(long_words) else "cp1256"


_QUOTED = re.compile(r'"[^"]*"')


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon (European Excel) or tab (Excel's "Unicode text"): whichever the header row uses most."""
    line = next((line for line in text.splitlines() if line.strip()), "")
    line = _QUOTED.sub("", line)
    counts = {delimiter: line.count(delimiter) for delimiter in (",", ";", "\t")}
    delimiter = max(counts, key=lambda candidate: counts[candidate])
    return delimiter if counts[delimiter] else ","


def map_header(header: Sequence[str]) -> tuple[dict[str, int], list[str]]:
    """Which cell of a row holds which column; and the header cells that name no known column."""
    columns: dict[str, int] = {}
    ignored: list[str] = []
    for index, title in enumerate(header):
        title = _clean(title)
        key = HEADER_INDEX.get(_header_key(title))
        if key is None:
            if title:
                ignored.append(title)
            continue
        if key in columns:
            raise BulkFileError(
                _("Two columns mean “%(column)s”: keep only one of them.") % {"column": key},
            )
        columns[key] = index
    missing = []
    if "email" not in columns and "username" not in columns:
        missing.append(_("The file has no “email” or “username” column."))
    if "full_name" not in columns:
        missing.append(_("The file has no “full_name” column."))
    if missing:
        raise BulkFileError(*missing, _("The first row must name the columns (see the list below)."))
    return columns, ignored


def _clean(cell: str) -> str:
    return cell.strip().strip("\u200b\u200e\u200f\ufeff").strip()[:MAX_CELL]


# Validation ----------------------------------------------------------------------------------------------


@dataclass
class RowCheck:
    """What would happen to one row, or why it cannot be enrolled."""

    source: SourceRow
    errors: list[str] = field(default_factory=list)
    outcome: str = ERROR
    email: str = ""
    username: str = ""
    language: str = ""
    country_id: int | None = None
    region_id: int | None = None
    institution_id: int | None = None
    user: User | None = None  # the existing account
    enrollment_status: str | None = None

    @property
    def number(self) -> int:
        return self.source.number

    @property
    def login(self) -> str:
        return self.email or self.username or self.source.login

    @property
    def account_name(self) -> str:
        """The existing account's name when it differs from the file's (its profile is left as it is)."""
        if self.user is not None and fold(self.user.full_name) != fold(self.source.full_name):
            return self.user.full_name
        return ""

    @property
    def gets_password(self) -> bool:
        return self.outcome == NEW and not self.email

    @property
    def outcome_label(self) -> str:
        if self.outcome == NEW:
            return _("New account, one-time password") if self.gets_password else _("New account, invitation email")
        if self.outcome == ENROLL:
            return _("Existing account, will be enrolled")
        if self.outcome == ALREADY:
            return _("Already enrolled")
        return _("Cannot be enrolled")


@dataclass
class BulkCheck:
    rows: list[RowCheck]

    def _count(self, outcome: str) -> int:
        return sum(row.outcome == outcome for row in self.rows)

    @property
    def new_count(self) -> int:
        return self._count(NEW)

    @property
    def password_count(self) -> int:
        return sum(row.gets_password for row in self.rows)

    @property
    def invitation_count(self) -> int:
        return self.new_count - self.password_count

    @property
    def enroll_count(self) -> int:
        return self._count(ENROLL)

    @property
    def already_count(self) -> int:
        return self._count(ALREADY)

    @property
    def error_rows(self) -> list[RowCheck]:
        return [row for row in self.rows if row.outcome == ERROR]

    @property
    def error_count(self) -> int:
        return self._count(ERROR)

    @property
    def to_enroll_count(self) -> int:
        return self.new_count + self.enroll_count

    @property
    def is_valid(self) -> bool:
        return not self.error_count


def bulk_validate(rows: Sequence[SourceRow], *, course: Course, default_language: str) -> BulkCheck:
    """Check every row and say what would happen to it. At most five queries, whatever the number of rows."""
    checks = [_check_cells(row, default_language) for row in rows]
    _check_geography(checks)
    _check_accounts(checks, course)
    for check in checks:
        if check.errors:
            check.outcome = ERROR
        elif check.user is None:
            check.outcome = NEW
        elif check.enrollment_status in LEARNING:
            check.outcome = ALREADY
        else:
            check.outcome = ENROLL
    return BulkCheck(checks)


def _check_cells(row: SourceRow, default_language: str) -> RowCheck:
    """What can be said about a row without the database."""
    check = RowCheck(source=row)
    errors = check.errors
    if not row.email and not row.username:
        errors.append(_("Give an email address or a username."))
    if row.email:
        email = User.objects.normalize_email(row.email).lower()
        try:
            validate_email(email)
            if len(email) > EMAIL_MAX:
                raise ValidationError("too long")
        except ValidationError:
            errors.append(_("“%(email)s” is not a valid email address.") % {"email": row.email})
        else:
            check.email = email
    if row.username:
        username = row.username.lower()
        if len(username) > USERNAME_MAX:
            errors.append(_("The username is too long (at most %(max)s characters).") % {"max": USERNAME_MAX})
        elif not USERNAME_RE.match(username):
            errors.append(
                _("The username “%(username)s” may contain only letters, digits and the characters . _ -")
                % {"username": row.username}
            )
        else:
            check.username = username
    if not row.full_name:
        errors.append(_("The full name is missing."))
    elif len(row.full_name) > FULL_NAME_MAX:
        errors.append(_("The full name is too long (at most %(max)s characters).") % {"max": FULL_NAME_MAX})
    language = language_code(row.language) if row.language else default_language
    if language is None:
        errors.append(
            _("“%(language)s” is not a language of Maktaba: use %(choices)s.")
            % {"language": row.language, "choices": ", ".join(code for code, _name in settings.LANGUAGES)}
        )
    else:
        check.language = language
    return check


def language_code(value: str) -> str | None:
    """en, ru, ar; also en-GB, English, Русский, العربية and their English names."""
    value = fold(value).replace("_", "-")
    for code, name in settings.LANGUAGES:
        info = translation.get_language_info(code)
        names = {code, fold(name), fold(info["name"]), fold(info["name_local"])}
        if value in names or value.split("-")[0] == code:
            return code
    return None


def _check_geography(checks: list[RowCheck]) -> None:
    """Countries, regions and institutions: one query each, and none when no row names them."""
    wanted = [check for check in checks if check.source.country or check.source.region or check.source.institution]
    if not wanted:
        return
    countries = _country_index()
    by_pk = {country.pk: country for country in countries.values()}
    for check in wanted:
        row = check.source
        if row.country:
            country = countries.get(fold(row.country))
            if country is None:
                check.errors.append(
                    _("Unknown country “%(country)s”: use its two-letter code (for example EG) or its name.")
                    % {"country": row.country}
                )
            else:
                check.country_id = country.pk
        elif row.region or row.institution:
            check.errors.append(_("Give the country of the region or institution."))
    country_ids = {check.country_id for check in wanted if check.country_id}
    if not country_ids:
        return

    regions: dict[tuple[int, str], Region] = {}
    if any(check.source.region and check.country_id for check in wanted):
        for region in Region.objects.filter(country_id__in=country_ids).only("pk", "country_id", "name", "code"):
            regions[(region.country_id, fold(region.name))] = region
            if region.code:
                regions.setdefault((region.country_id, fold(region.code)), region)
    for check in wanted:
        if check.source.region and check.country_id:
            region = regions.get((check.country_id, fold(check.source.region)))
            if region is None:
                check.errors.append(
                    _("There is no region “%(region)s” in %(country)s.")
                    % {"region": check.source.region, "country": by_pk[check.country_id].local_name}
                )
            else:
                check.region_id = region.pk

    institution_rows = [check for check in wanted if check.source.institution and check.country_id]
    if not institution_rows:
        return
    institutions: dict[tuple[int, str], list[Institution]] = {}
    for institution in _institutions_named({check.source.institution for check in institution_rows}, country_ids):
        institutions.setdefault((institution.country_id, fold(institution.name)), []).append(institution)
    for check in institution_rows:
        if check.source.region and check.region_id is None:
            continue  # the unknown region is reported already
        candidates = institutions.get((check.country_id, fold(check.source.institution)), [])
        if check.region_id:
            candidates = [item for item in candidates if item.region_id in (check.region_id, None)]
            candidates = [item for item in candidates if item.region_id == check.region_id] or candidates
        names = {
            "institution": check.source.institution,
            "region": check.source.region,
            "country": by_pk[check.country_id].local_name,
        }
        if not candidates and check.source.region:
            check.errors.append(
                _(
                    "There is no institution “%(institution)s” in %(region)s (%(country)s). Ask an administrator "
                    "to add it first."
                )
                % names
            )
        elif not candidates:
            check.errors.append(
                _("There is no institution “%(institution)s” in %(country)s. Ask an administrator to add it first.")
                % names
            )
        elif len(candidates) > 1:
            check.errors.append(
                _("Several institutions in %(country)s are called “%(institution)s”: give the region too.") % names
            )
        else:
            check.institution_id = candidates[0].pk
            check.region_id = check.region_id or candidates[0].region_id


def _country_index() -> dict[str, Country]:
    """Every country by its code and by its name in each language of the site (folded)."""
    index: dict[str, Country] = {}
    for country in Country.objects.only("pk", "code", "name"):
        index[fold(country.code)] = country
        index.setdefault(fold(country.name), country)
        for language, _name in settings.LANGUAGES:
            index.setdefault(fold(country_name(country.code, country.name, language)), country)
    return index


def _institutions_named(names: set[str], country_ids: set[int]) -> QuerySet[Institution]:
    """Institutions in these countries whose name matches one of ``names`` ignoring case. (SQLite's lower()
    folds ASCII only, so common capitalisations are asked for as well; PostgreSQL's folds every script.)"""
    variants = {variant for name in names for variant in (name, name.lower(), name.upper(), name.title())}
    return (
        Institution.objects.filter(country_id__in=country_ids)
        .annotate(lower_name=Lower("name"))
        .filter(Q(name__in=variants) | Q(lower_name__in={name.lower() for name in names}))
        .only("pk", "name", "country_id", "region_id")
    )


def _check_accounts(checks: list[RowCheck], course: Course) -> None:
    """Find existing accounts (one query) and their enrollments in the course (one more); flag rows that
    repeat an email, a username or an account of an earlier row, or whose email and username disagree."""
    emails = {check.email for check in checks if check.email}
    usernames = {check.username for check in checks if check.username}
    by_email: dict[str, User] = {}
    by_username: dict[str, User] = {}
    if emails or usernames:
        users = (
            User.objects.annotate(lower_email=Lower("email"), lower_username=Lower("username"))
            .filter(Q(lower_email__in=emails) | Q(lower_username__in=usernames))
            .only("pk", "email", "username", "full_name", "country_id", "region_id")
        )
        for user in users:
            if user.email:
                by_email[user.email.lower()] = user
            if user.username:
                by_username[user.username.lower()] = user
    seen_emails: dict[str, int] = {}
    seen_usernames: dict[str, int] = {}
    seen_users: dict[int, int] = {}
    for check in checks:
        number = check.number
        if check.email:
            if check.email in seen_emails:
                check.errors.append(
                    _("The email address %(email)s is also on row %(row)s.")
                    % {"email": check.email, "row": seen_emails[check.email]}
                )
            seen_emails.setdefault(check.email, number)
        if check.username:
            if check.username in seen_usernames:
                check.errors.append(
                    _("The username %(username)s is also on row %(row)s.")
                    % {"username": check.username, "row": seen_usernames[check.username]}
                )
            seen_usernames.setdefault(check.username, number)
        email_user = by_email.get(check.email) if check.email else None
        username_user = by_username.get(check.username) if check.username else None
        if email_user and username_user and email_user.pk != username_user.pk:
            check.errors.append(_("The email address and the username belong to two different accounts."))
        elif check.email and email_user is None and username_user is not None:
            check.errors.append(
                _("The username %(username)s already belongs to another account.") % {"username": check.username}
            )
        user = email_user or username_user
        if user is not None:
            if user.pk in seen_users and not check.errors:
                check.errors.append(_("This is the same account as on row %(row)s.") % {"row": seen_users[user.pk]})
            seen_users.setdefault(user.pk, number)
            check.user = user
    known = [check.user.pk for check in checks if check.user is not None]
    if known:
        statuses = dict(Enrollment.objects.filter(course=course, user_id__in=known).values_list("user_id", "status"))
        for check in checks:
            if check.user is not None:
                check.enrollment_status = statuses.get(check.user.pk)


# Enrolling -----------------------------------------------------------------------------------------------


def bulk_enroll(
    *,
    by: User,
    course: Course,
    rows: Sequence[SourceRow],
    default_language: str,
    site_url: str,
    job_id: Any = None,
) -> dict[str, Any]:
    """Validate ``rows`` again, then in one transaction create the missing accounts and enroll everyone
    (source "bulk"); raise ``BulkEnrollmentError`` and write nothing if any row is not valid any more or
    another request created one of the accounts or enrollments meanwhile.

    New accounts with an email address are active with an unusable password and get an invitation, in
    their language, to choose one (queued in the same transaction, so sent only after commit). New
    accounts with a username only get a one-time password; those are returned (and, with ``job_id``,
    stored on the job in the same transaction) for the trainer to download once.

    Returns a summary (JSON). Running again after a commit returns the stored summary and writes nothing."""
    if job_id is not None:
        stored = Job.objects.filter(pk=job_id).values_list("result", flat=True).first()
        if stored and stored.get("committed"):
            return stored  # delivered twice: the first run committed
    if not user_can_manage_course(by, course):
        raise PermissionDenied(_("Only the course's trainers can enroll people."))
    check = bulk_validate(rows, course=course, default_language=default_language)
    if not check.is_valid:
        raise BulkEnrollmentError(
            ngettext(
                "%(count)s row cannot be enrolled any more. Nobody was enrolled.",
                "%(count)s rows cannot be enrolled any more. Nobody was enrolled.",
                check.error_count,
            )
            % {"count": check.error_count},
            errors=check.error_rows,
        )
    total = len(check.rows)
    _progress(job_id, 0, total)

    # Prepare the accounts (and hash their one-time passwords, the slow part with a production hasher) before
    # the transaction. Progress counts rows; the last step is the transaction itself.
    new_users: list[tuple[RowCheck, User, str | None]] = []
    for done, row in enumerate(check.rows, start=1):
        if row.outcome == NEW:
            new_users.append(_new_account(row))
        if done % 100 == 0:
            _progress(job_id, min(done, total - 1), total)

    try:
        with transaction.atomic():
            result = _write(by=by, course=course, check=check, new_users=new_users, site_url=site_url, job_id=job_id)
    except IntegrityError as error:
        raise BulkEnrollmentError(
            _(
                "Some of these accounts or enrollments were created by someone else meanwhile. Nobody was "
                "enrolled; upload the file again to see the list as it is now."
            )
        ) from error
    return result


def _new_account(row: RowCheck) -> tuple[RowCheck, User, str | None]:
    """An unsaved account for a row: with an email address, an unusable password (she chooses one from the
    invitation); without, a one-time password she must change at her first sign-in."""
    user = User(
        email=row.email or None,
        username=row.username or None,
        full_name=row.source.full_name,
        preferred_language=row.language,
        country_id=row.country_id,
        region_id=row.region_id,
        institution_id=row.institution_id,
        is_active=True,
        must_change_password=not row.email,
    )
    password = None
    if row.email:
        user.set_unusable_password()
    else:
        password = one_time_password()
        user.set_password(password)
    return row, user, password


def _write(
    *,
    by: User,
    course: Course,
    check: BulkCheck,
    new_users: list[tuple[RowCheck, User, str | None]],
    site_url: str,
    job_id: Any,
) -> dict[str, Any]:
    users = [user for _row, user, _password in new_users]
    User.objects.bulk_create(users, batch_size=BATCH)
    if any(user.pk is None for user in users):  # a database that cannot return ids from a bulk insert
        _fetch_ids(users)

    # New enrollments in bulk; the few that reopen an earlier one (withdrawn, turned down, pending) go
    # through the enrollment service, which knows how each status counts.
    fresh = users + [row.user for row in check.rows if row.outcome == ENROLL and row.enrollment_status is None]
    reopen = [row.user for row in check.rows if row.outcome == ENROLL and row.enrollment_status is not None]
    now = timezone.now()
    Enrollment.objects.bulk_create(
        [
            Enrollment(
                user=user,
                course=course,
                status=Enrollment.Status.ACTIVE,
                source=Enrollment.Source.BULK,
                enrolled_by=by,
                country_id=user.country_id,
                region_id=user.region_id,
                created_at=now,
                updated_at=now,
            )
            for user in fresh
        ],
        batch_size=BATCH,
    )
    if fresh:
        Course.objects.filter(pk=course.pk).update(enrolled_count=F("enrolled_count") + len(fresh))
    reopened = enrollment_add(by=by, course=course, users=reopen, source=Enrollment.Source.BULK) if reopen else 0

    invited = 0
    for _row, user, password in new_users:
        if password is None:
            invitation_send(user, course=course, by=by, site_url=site_url)
            invited += 1
    passwords = [
        {"row": row.number, "username": user.username, "full_name": user.full_name, "password": password}
        for row, user, password in new_users
        if password is not None
    ]
    result = {
        "committed": True,
        "course_id": course.pk,
        "created": len(users),
        "enrolled": len(fresh) + reopened,
        "already": check.already_count,
        "invited": invited,
        "password_count": len(passwords),
        "one_time_passwords": passwords,
    }
    if job_id is not None:
        result["url"] = _result_url(course, job_id)
        # In the same transaction as the accounts: a second delivery of the job finds it and does nothing.
        Job.objects.filter(pk=job_id).update(result=result)
    return result


def _fetch_ids(users: list[User]) -> None:
    saved = User.objects.filter(
        Q(email__in=[user.email for user in users if user.email])
        | Q(username__in=[user.username for user in users if user.username])
    ).values_list("pk", "email", "username")
    ids = {}
    for pk, email, username in saved:
        ids[("email", email)] = pk
        ids[("username", username)] = pk
    for user in users:
        user.pk = ids[("email", user.email)] if user.email else ids[("username", user.username)]


def invitation_send(user: User, *, course: Course, by: User, site_url: str) -> None:
    """Email a new account a link to choose her password, in her language."""
    language = user.preferred_language
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    with translation.override(language):
        path = reverse("accounts:password-reset-confirm", kwargs={"uidb64": uid, "token": token})
    course_path = course.urls.get(language) or next(iter(course.urls.values()), "")
    email_send(
        to=user.email,
        language=language,
        template="courses/email/invitation",
        context={
            "user": user,
            "trainer_name": by.full_name,
            "course_title": course_title_in(course, language),
            "course_url": site_url.rstrip("/") + course_path if course_path else "",
            "set_password_url": site_url.rstrip("/") + path,
            "valid_days": settings.PASSWORD_RESET_TIMEOUT // 86400,
        },
    )


def _progress(job_id: Any, done: int, total: int) -> None:
    if job_id is not None:
        job_progress(job_id, done=done, total=total)


# Jobs and their results ----------------------------------------------------------------------------------


def bulk_failure_record(job_id: Any, *, course: Course, message: str, errors: Iterable[RowCheck] = ()) -> None:
    """Keep why a bulk enrollment job wrote nothing, for the trainer's results page."""
    Job.objects.filter(pk=job_id).update(
        result={
            "committed": False,
            "course_id": course.pk,
            "url": _result_url(course, job_id),
            "message": message,
            "errors": [
                {"row": row.number, "login": row.login, "full_name": row.source.full_name, "errors": row.errors}
                for row in list(errors)[:MAX_ROWS]
            ],
        }
    )


def _result_url(course: Course, job_id: Any) -> str:
    """Where the job page sends the trainer for the outcome (in the active language)."""
    return reverse("courses:enrollment-bulk-result", kwargs={"course_uuid": course.uuid, "job_id": job_id})


def bulk_jobs_for(*, owner: User, course: Course) -> QuerySet[Job]:
    """The trainer's bulk enrollment jobs for ``course``, newest first."""
    return (
        Job.objects.filter(owner_id=owner.pk, task_name=TASK_NAME)
        .filter(Q(kwargs__course_id=course.pk) | Q(result__course_id=course.pk))
        .order_by("-created_at")
    )


def bulk_passwords_take(*, job_id: Any, owner: User) -> list[dict[str, Any]] | None:
    """Hand the one-time passwords of a finished job to its owner, once: they are removed from the job in
    the same step, so a second request (or a second tab) gets None."""
    with transaction.atomic():
        job = (
            Job.objects.select_for_update()
            .filter(pk=job_id, owner_id=owner.pk, task_name=TASK_NAME, status=Job.Status.DONE)
            .first()
        )
        if job is None or not job.result.get("one_time_passwords"):
            return None
        passwords = job.result["one_time_passwords"]
        result = {key: value for key, value in job.result.items() if key != "one_time_passwords"}
        result["passwords_taken_at"] = timezone.now().isoformat()
        # Compare-and-set on the key: with or without row locks, only one request removes it.
        taken = Job.objects.filter(pk=job.pk, result__has_key="one_time_passwords").update(result=result)
    return passwords if taken else None
