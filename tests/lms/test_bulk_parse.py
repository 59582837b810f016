"""Reading a CSV of teachers (lms.courses.bulk.bulk_parse: size, encodings, delimiters, columns, limits) and
checking its rows against the database (bulk_validate)."""

from __future__ import annotations

import codecs
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Institution
from lms.courses import bulk, services
from lms.courses.bulk import ALREADY, ENROLL, ERROR, NEW, BulkFileError, SourceRow, bulk_parse, bulk_validate
from lms.courses.models import Enrollment
from tests.factories.accounts import RegionFactory, UserFactory, UsernameUserFactory, country
from tests.factories.roles import trainer as make_trainer

HEADER = ["email", "username", "full_name", "country", "region", "institution", "language"]


def csv_bytes(
    rows: list[list[str]], *, header: list[str] = HEADER, delimiter: str = ",", encoding: str = "utf-8"
) -> bytes:
    lines = [delimiter.join(header), *(delimiter.join(row) for row in rows)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def parse(data: bytes) -> bulk.ParsedFile:
    return bulk_parse(io.BytesIO(data))


def refused(data: bytes) -> str:
    with pytest.raises(BulkFileError) as caught:
        parse(data)
    return " ".join(caught.value.messages)


# Encodings -----------------------------------------------------------------------------------------------


def test_plain_utf8_file_is_read_row_by_row_with_spreadsheet_row_numbers():
    parsed = parse(b"email,full_name\r\namina@example.org,Amina Hassan\r\n\r\n  OLGA@example.org , Olga Petrova \r\n")

    assert parsed.encoding == "utf-8"
    assert not parsed.encoding_guessed
    assert parsed.delimiter == ","
    assert parsed.rows == [
        SourceRow(2, email="amina@example.org", full_name="Amina Hassan"),
        SourceRow(4, email="OLGA@example.org", full_name="Olga Petrova"),  # the blank row 3 is skipped
    ]


def test_utf8_with_byte_order_mark_as_excel_saves_csv_utf8():
    data = codecs.BOM_UTF8 + "email,full_name\nfatima@example.org,فاطمة الزهراء\n".encode()

    parsed = parse(data)

    assert parsed.encoding == "utf-8"
    assert parsed.rows[0].email == "fatima@example.org"  # the BOM did not stick to the first column's name
    assert parsed.rows[0].full_name == "فاطمة الزهراء"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_byte_order_mark_as_excel_saves_unicode_text(codec):
    text = "email\tfull_name\r\nolga@example.org\tОльга Петрова\r\nfatima@example.org\tفاطمة الزهراء\r\n"
    bom = {"utf-16": b"", "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}[codec]

    parsed = parse(bom + text.encode(codec))

    assert parsed.encoding == "utf-16"
    assert parsed.delimiter == "\t"
    assert [row.full_name for row in parsed.rows] == ["Ольга Петрова", "فاطمة الزهراء"]


def test_cyrillic_file_that_is_not_utf8_is_read_as_windows_1251_and_says_so():
    text = "Эл. почта;ФИО;Страна\nolga@example.org;Ольга Петрова;Россия\nivan@example.org;ИВАНОВ ИВАН;RU\n"

    parsed = parse(text.encode("cp1251"))

    assert parsed.encoding == "cp1251"
    assert parsed.encoding_guessed
    assert bulk.encoding_label(parsed.encoding) == "Windows-1251 (Cyrillic)"
    assert [row.full_name for row in parsed.rows] == ["Ольга Петрова", "ИВАНОВ ИВАН"]
    assert parsed.rows[0].country == "Россия"


def test_arabic_file_that_is_not_utf8_is_read_as_windows_1256_and_says_so():
    text = (
        "البريد الإلكتروني,الاسم الكامل,الدولة\n"
        "fatima@example.org,فاطمة الزهراء,مصر\n"
        "ali@example.org,أحمد محمد علي,EG\n"
    )

    parsed = parse(text.encode("cp1256"))

    assert parsed.encoding == "cp1256"
    assert parsed.encoding_guessed
    assert [row.full_name for row in parsed.rows] == ["فاطمة الزهراء", "أحمد محمد علي"]


def test_a_file_with_a_utf8_mark_but_other_bytes_is_refused_with_advice():
    message = refused(codecs.BOM_UTF8 + "email,full_name\nx@example.org,Ольга\n".encode("cp1251"))

    assert "UTF-8" in message


# Delimiters and columns ----------------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiter_is_sniffed(delimiter):
    data = csv_bytes([["amina@example.org", "", "Amina Hassan", "EG", "", "", "ar"]], delimiter=delimiter)

    parsed = parse(data)

    assert parsed.delimiter == delimiter
    assert parsed.rows[0] == SourceRow(2, "amina@example.org", "", "Amina Hassan", "EG", "", "", "ar")


def test_semicolon_file_keeps_commas_inside_names_and_quoted_cells_keep_delimiters():
    semicolons = parse(b'email;full_name\nolga@example.org;Petrova, Olga\n"amina@example.org";"Hassan; Amina"\n')
    commas = parse(b'"email","full_name"\nolga@example.org,"Petrova, Olga"\n')

    assert semicolons.delimiter == ";"
    assert [row.full_name for row in semicolons.rows] == ["Petrova, Olga", "Hassan; Amina"]
    assert commas.delimiter == ","
    assert commas.rows[0].full_name == "Petrova, Olga"


def test_column_names_ignore_case_order_and_spelling_and_may_be_russian_or_arabic():
    english = parse(b"LANGUAGE,Full Name,E-Mail,Username\nru,Olga Petrova,olga@example.org,olga\n")
    russian = parse("Язык;ФИО;Эл. почта;Логин;Страна\nru;Ольга Петрова;olga@example.org;olga;RU\n".encode())
    # Written without the hamza, as many people type it.
    arabic = parse("اللغة,الاسم الكامل,البريد الالكتروني,اسم المستخدم\nar,فاطمة,f@example.org,fatima\n".encode())

    assert english.rows[0] == SourceRow(2, "olga@example.org", "olga", "Olga Petrova", "", "", "", "ru")
    assert russian.rows[0] == SourceRow(2, "olga@example.org", "olga", "Ольга Петрова", "RU", "", "", "ru")
    assert arabic.rows[0] == SourceRow(2, "f@example.org", "fatima", "فاطمة", "", "", "", "ar")


def test_unknown_columns_are_ignored_and_named():
    parsed = parse(b"email,full_name,Notes,Phone\namina@example.org,Amina,likes maths,123\n")

    assert parsed.ignored_columns == ["Notes", "Phone"]
    assert parsed.rows[0] == SourceRow(2, email="amina@example.org", full_name="Amina")


def test_username_column_alone_is_enough():
    parsed = parse(b"username,full_name\nolga.petrova,Olga Petrova\n")

    assert parsed.rows == [SourceRow(2, username="olga.petrova", full_name="Olga Petrova")]


def test_missing_full_name_column_is_refused():
    assert "full_name" in refused(b"email,country\namina@example.org,EG\n")


def test_file_without_email_or_username_column_is_refused():
    message = refused(b"full_name,country\nAmina Hassan,EG\n")

    assert "email" in message and "username" in message


def test_file_without_a_header_row_is_refused():
    assert "first row" in refused(b"amina@example.org,Amina Hassan\nolga@example.org,Olga Petrova\n")


def test_two_columns_with_the_same_meaning_are_refused():
    assert "email" in refused(b"email,E-mail,full_name\na@example.org,b@example.org,Amina\n")


# Empty, too large, too long ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data", [b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, b"\r\n\r\n  \n"], ids=["nothing", "bom", "utf16", "blank"]
)
def test_empty_file_is_refused(data):
    assert "empty" in refused(data)


def test_file_with_a_header_and_no_teachers_is_refused():
    assert "no teachers" in refused(b"email,full_name\n\n,\n")


def test_five_thousand_rows_are_accepted_and_one_more_is_refused():
    rows = [[f"teacher{n}@example.org", f"Teacher {n}"] for n in range(bulk.MAX_ROWS)]
    header = ["email", "full_name"]

    assert len(parse(csv_bytes(rows, header=header)).rows) == bulk.MAX_ROWS
    assert "5000" in refused(csv_bytes([*rows, ["one.more@example.org", "One More"]], header=header))


class HugeUpload(io.RawIOBase):
    """A 50 MB CSV file that is never in memory: each read makes only the bytes asked for, and the object
    counts what was read."""

    LINE = b"teacher@example.org,A Teacher\n"

    def __init__(self, total: int, *, size_known: bool = False) -> None:
        self.total = total
        self.given = 0
        if size_known:
            self.size = total  # as Django's UploadedFile has

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = min(len(buffer), self.total - self.given)
        start = self.given % len(self.LINE)
        chunk = (self.LINE * (count // len(self.LINE) + 2))[start : start + count]
        buffer[:count] = chunk
        self.given += count
        return count


def test_fifty_megabyte_file_is_refused_after_reading_just_over_the_limit():
    upload = HugeUpload(50 * 1024 * 1024)

    message = refused_file(upload)

    assert "too large" in message
    assert upload.given <= bulk.MAX_BYTES + 1


def test_fifty_megabyte_upload_of_known_size_is_refused_without_reading_it():
    upload = HugeUpload(50 * 1024 * 1024, size_known=True)

    assert "too large" in refused_file(upload)
    assert upload.given == 0


def test_a_file_of_exactly_the_limit_is_read():
    data = b"x" * bulk.MAX_BYTES

    assert bulk.read_limited(io.BytesIO(data)) == data


def refused_file(upload) -> str:
    with pytest.raises(BulkFileError) as caught:
        bulk_parse(upload)
    return " ".join(caught.value.messages)


# Row checks against the database -------------------------------------------------------------------------


@pytest.fixture
def trainer(db):
    return make_trainer(full_name="Layla Trainer")


@pytest.fixture
def course(trainer):
    return services.course_create(title="Digital pedagogy", trainers=[trainer])


def validate(course, rows: list[SourceRow], default_language: str = "en") -> bulk.BulkCheck:
    return bulk_validate(rows, course=course, default_language=default_language)


def row(number: int = 2, **cells: str) -> SourceRow:
    cells.setdefault("full_name", "Amina Hassan")
    return SourceRow(number, **cells)


def errors_of(check: bulk.BulkCheck) -> dict[int, str]:
    return {item.number: " ".join(item.errors) for item in check.rows if item.errors}


@pytest.mark.parametrize(
    "email", ["not-an-email", "amina@", "amina@@example.org", "amina hassan@example.org", "amina@example"]
)
def test_invalid_email_is_a_row_error(course, email):
    check = validate(course, [row(email=email), row(3, email="fine@example.org")])

    assert check.rows[0].outcome == ERROR
    assert email in errors_of(check)[2]
    assert check.rows[1].outcome == NEW
    assert not check.is_valid


def test_missing_name_and_missing_login_are_row_errors(course):
    check = validate(course, [row(email="amina@example.org", full_name=""), row(3, full_name="Nobody")])

    assert "full name" in errors_of(check)[2]
    assert "email address or a username" in errors_of(check)[3]
    assert check.error_count == 2


@pytest.mark.parametrize("username", ["olga petrova", "olga@school", "olga/petrova", "o" * 151])
def test_username_with_bad_characters_is_a_row_error(course, username):
    check = validate(course, [row(username=username)])

    assert check.rows[0].outcome == ERROR


def test_username_may_use_any_alphabet_and_is_lower_cased(course):
    check = validate(course, [row(username="Ольга.Петрова"), row(3, username="فاطمة_1")])

    assert [item.outcome for item in check.rows] == [NEW, NEW]
    assert check.rows[0].username == "ольга.петрова"


def test_language_codes_and_names_are_understood_and_the_default_fills_gaps(course):
    rows = [
        row(2, email="a@example.org", language="RU"),
        row(3, email="b@example.org", language="Arabic"),
        row(4, email="c@example.org", language="العربية"),
        row(5, email="d@example.org", language="en-GB"),
        row(6, email="e@example.org", language=""),
        row(7, email="f@example.org", language="Klingon"),
    ]

    check = validate(course, rows, default_language="ru")

    assert [item.language for item in check.rows[:5]] == ["ru", "ar", "ar", "en", "ru"]
    assert "Klingon" in errors_of(check)[7]


def test_country_by_code_or_by_name_in_any_site_language(course):
    rows = [
        row(2, email="a@example.org", country="eg"),
        row(3, email="b@example.org", country="Egypt"),
        row(4, email="c@example.org", country="Египет"),
        row(5, email="d@example.org", country="مصر"),
        row(6, email="e@example.org", country="Atlantis"),
    ]

    check = validate(course, rows)

    assert {item.country_id for item in check.rows[:4]} == {country("EG").pk}
    assert "Atlantis" in errors_of(check)[6]
    assert list(errors_of(check)) == [6]


def test_region_must_be_in_the_country_and_needs_a_country(course):
    cairo = RegionFactory(country=country("EG"), name="Cairo")
    RegionFactory(country=country("JO"), name="Amman")
    rows = [
        row(2, email="a@example.org", country="EG", region="cairo"),
        row(3, email="b@example.org", country="EG", region="Amman"),
        row(4, email="c@example.org", region="Cairo"),
    ]

    check = validate(course, rows)

    assert check.rows[0].region_id == cairo.pk
    assert "Amman" in errors_of(check)[3]
    assert "country" in errors_of(check)[4]


def test_institution_must_exist_in_the_country_and_region(course):
    cairo = RegionFactory(country=country("EG"), name="Cairo")
    giza = RegionFactory(country=country("EG"), name="Giza")
    school = Institution.objects.create(country=country("EG"), region=cairo, name="Nile Primary School")
    Institution.objects.create(country=country("EG"), region=cairo, name="Delta School")
    Institution.objects.create(country=country("EG"), region=giza, name="Delta School")
    rows = [
        row(2, email="a@example.org", country="EG", institution="nile primary school"),
        row(3, email="b@example.org", country="EG", region="Giza", institution="Nile Primary School"),
        row(4, email="c@example.org", country="JO", institution="Nile Primary School"),
        row(5, email="d@example.org", country="EG", institution="Delta School"),
        row(6, email="e@example.org", country="EG", region="Giza", institution="Delta School"),
        row(7, email="f@example.org", institution="Nile Primary School"),
        row(8, email="g@example.org", country="EG", institution="School that does not exist"),
    ]

    check = validate(course, rows)

    assert check.rows[0].institution_id == school.pk
    assert check.rows[0].region_id == cairo.pk  # taken from the institution
    assert check.rows[4].institution_id is not None and check.rows[4].region_id == giza.pk
    assert set(errors_of(check)) == {3, 4, 5, 7, 8}
    assert "region" in errors_of(check)[5]  # two schools of that name: which one?
    assert "School that does not exist" in errors_of(check)[8]


def test_the_same_email_or_username_twice_in_the_file_is_a_row_error(course):
    rows = [
        row(2, email="amina@example.org"),
        row(3, email="Amina@Example.org"),
        row(4, username="olga"),
        row(5, username="OLGA"),
    ]

    check = validate(course, rows)

    assert set(errors_of(check)) == {3, 5}
    assert "row 2" in errors_of(check)[3]
    assert "row 4" in errors_of(check)[5]


def test_two_rows_that_reach_the_same_existing_account_are_a_row_error(course):
    UserFactory(email="olga@example.org", username="olga")

    check = validate(course, [row(2, email="olga@example.org"), row(3, username="olga")])

    assert set(errors_of(check)) == {3}


def test_existing_email_with_another_name_enrolls_that_account(course):
    existing = UserFactory(email="amina@example.org", full_name="Amina H. Mostafa")

    check = validate(course, [row(email="AMINA@example.org", full_name="Someone Else")])

    assert check.is_valid
    assert check.rows[0].outcome == ENROLL
    assert check.rows[0].user.pk == existing.pk
    assert check.rows[0].account_name == "Amina H. Mostafa"


def test_already_enrolled_and_withdrawn_accounts(course, trainer):
    enrolled, withdrawn = UserFactory(), UsernameUserFactory()
    services.enrollment_add(by=trainer, course=course, users=[enrolled, withdrawn])
    Enrollment.objects.filter(user=withdrawn).update(status=Enrollment.Status.WITHDRAWN)

    check = validate(course, [row(2, email=enrolled.email), row(3, username=withdrawn.username)])

    assert [item.outcome for item in check.rows] == [ALREADY, ENROLL]
    assert (check.already_count, check.enroll_count, check.new_count) == (1, 1, 0)


def test_email_and_username_of_two_different_accounts_are_a_row_error(course):
    UserFactory(email="amina@example.org")
    UsernameUserFactory(username="olga")

    check = validate(
        course,
        [row(2, email="amina@example.org", username="olga"), row(3, email="new@example.org", username="OLGA")],
    )

    assert "two different accounts" in errors_of(check)[2]
    assert "another account" in errors_of(check)[3]


def test_summary_counts_new_accounts_by_how_they_get_in(course):
    check = validate(course, [row(2, email="a@example.org"), row(3, username="b"), row(4, username="c")])

    assert (check.new_count, check.invitation_count, check.password_count) == (3, 1, 2)
    assert check.to_enroll_count == 3


def _rows(count: int) -> list[SourceRow]:
    region = RegionFactory(country=country("EG"), name=f"Region for {count}")
    Institution.objects.create(country=country("EG"), region=region, name=f"School {count}")
    existing = UserFactory.create_batch(count // 2)
    rows = [row(n + 2, email=user.email, country="EG", region=region.name) for n, user in enumerate(existing)]
    rows += [
        row(n + 2 + len(rows), username=f"new{count}.{n}", country="EG", institution=f"School {count}")
        for n in range(count - len(existing))
    ]
    return rows


def test_validation_runs_the_same_number_of_queries_for_10_or_200_rows(course):
    small, large = _rows(10), _rows(200)

    with CaptureQueriesContext(connection) as for_small:
        assert validate(course, small).is_valid
    with CaptureQueriesContext(connection) as for_large:
        assert validate(course, large).is_valid

    assert len(for_small) == len(for_large) <= 5
