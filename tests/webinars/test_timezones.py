"""Wall-clock times in an event's time zone and their UTC instants (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest
from django.utils import translation

from webinars.timezones import LocalTimeError, format_in, local, to_utc, weekly


def last_sunday(year: int, month: int) -> date:
    """The European Union's clocks change on the last Sunday of March and of October."""
    day = date(year, month, 31)
    return day - timedelta(days=(day.weekday() - 6) % 7)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute)


YEAR = 2027
SPRING = last_sunday(YEAR, 3)  # 02:00 becomes 03:00 in Berlin
AUTUMN = last_sunday(YEAR, 10)  # 03:00 becomes 02:00 again


def test_moscow_has_no_daylight_saving_time():
    for day in (SPRING, AUTUMN, date(YEAR, 1, 15), date(YEAR, 7, 15)):
        assert to_utc(at(day, 2, 30), "Europe/Moscow") == datetime(
            day.year, day.month, day.day, 2, 30, tzinfo=UTC
        ) - timedelta(hours=3)


def test_a_time_in_the_spring_gap_is_refused_with_a_message():
    with pytest.raises(LocalTimeError) as raised:
        to_utc(at(SPRING, 2, 30), "Europe/Berlin")
    assert not raised.value.ambiguous
    assert str(raised.value) == (
        f"{SPRING:%Y-%m-%d} 02:30 does not exist in Europe/Berlin: the clocks skip it when daylight saving time starts."
    )
    # A fold does not make it exist.
    for fold in (0, 1):
        with pytest.raises(LocalTimeError):
            to_utc(at(SPRING, 2, 30), "Europe/Berlin", fold=fold)
    # The minutes either side of the gap are fine.
    assert to_utc(at(SPRING, 1, 59), "Europe/Berlin") == datetime(YEAR, 3, SPRING.day, 0, 59, tzinfo=UTC)
    assert to_utc(at(SPRING, 3, 0), "Europe/Berlin") == datetime(YEAR, 3, SPRING.day, 1, 0, tzinfo=UTC)


def test_the_message_is_in_the_active_language():
    with translation.override("ru"), pytest.raises(LocalTimeError) as raised:
        to_utc(at(SPRING, 2, 30), "Europe/Berlin")
    assert "02:30" in str(raised.value) and "Europe/Berlin" in str(raised.value)


def test_a_time_in_the_autumn_fold_must_say_which_one():
    with pytest.raises(LocalTimeError) as raised:
        to_utc(at(AUTUMN, 2, 30), "Europe/Berlin")
    assert raised.value.ambiguous
    assert "happens twice in Europe/Berlin" in str(raised.value)

    first = to_utc(at(AUTUMN, 2, 30), "Europe/Berlin", fold=0)
    second = to_utc(at(AUTUMN, 2, 30), "Europe/Berlin", fold=1)
    assert first == datetime(YEAR, 10, AUTUMN.day, 0, 30, tzinfo=UTC)  # summer time, UTC+2
    assert second == datetime(YEAR, 10, AUTUMN.day, 1, 30, tzinfo=UTC)  # winter time, UTC+1
    assert second - first == timedelta(hours=1)
    # Both are 02:30 on the wall clock.
    assert local(first, "Europe/Berlin").replace(tzinfo=None) == at(AUTUMN, 2, 30)
    assert local(second, "Europe/Berlin").replace(tzinfo=None) == at(AUTUMN, 2, 30)


def test_an_ordinary_time_ignores_fold():
    assert to_utc(at(AUTUMN, 18), "Europe/Berlin", fold=1) == to_utc(at(AUTUMN, 18), "Europe/Berlin")


def test_an_aware_time_is_a_programming_error():
    with pytest.raises(ValueError, match="naive"):
        to_utc(datetime(YEAR, 1, 5, 18, tzinfo=UTC), "Europe/Berlin")


def test_a_weekly_series_keeps_its_local_time_across_the_spring_change():
    first = at(SPRING - timedelta(days=12), 18)  # a Tuesday, two weeks before the change
    instants = weekly(first, "Europe/Berlin", weeks=4)
    assert [local(instant, "Europe/Berlin").replace(tzinfo=None) for instant in instants] == [
        first + timedelta(weeks=week) for week in range(4)
    ]
    assert [instant.hour for instant in instants] == [17, 17, 16, 16]  # UTC moves by an hour, not the class
    assert instants[2] - instants[1] == timedelta(weeks=1, hours=-1)


def test_a_weekly_series_in_cairo_keeps_18_00_across_the_change():
    # Egypt's summer time starts on the last Friday of April; find that week from the zone itself.
    first = datetime(YEAR, 4, 1, 18)
    instants = weekly(first, "Africa/Cairo", weeks=6)
    assert {local(instant, "Africa/Cairo").strftime("%H:%M") for instant in instants} == {"18:00"}
    assert {instant.hour for instant in instants} == {16, 15}  # UTC+2 in winter, UTC+3 in summer
    assert all(later >= earlier for earlier, later in pairwise(instants))


def test_a_weekly_series_through_a_gap_is_refused_whole():
    # Every Sunday at 02:30: one of the weeks falls into the gap.
    with pytest.raises(LocalTimeError) as raised:
        weekly(at(SPRING - timedelta(weeks=1), 2, 30), "Europe/Berlin", weeks=3)
    assert f"{SPRING:%Y-%m-%d} 02:30" in str(raised.value)


def test_format_in_names_the_zone_and_uses_the_active_language():
    instant = to_utc(datetime(YEAR, 11, 23, 18), "Europe/Moscow")
    assert format_in(instant, "Europe/Moscow").endswith("(Europe/Moscow)")
    with translation.override("en"):
        assert "6 p.m." in format_in(instant, "Europe/Moscow")
        assert format_in(instant, "Africa/Cairo") == "Nov. 23, 2027, 5 p.m. (Africa/Cairo)"
    with translation.override("ru"):
        text = format_in(instant, "Europe/Moscow")
        assert "ноября" in text and "18:00" in text and text.endswith("(Europe/Moscow)")
    assert format_in(instant, "Asia/Tokyo", date=False).endswith("(Asia/Tokyo)")
