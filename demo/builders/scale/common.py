"""What every scale builder shares: how its rows are marked, the time line the data spans, weighted choices."""

from __future__ import annotations

import random
import uuid
from bisect import bisect
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate

EMAIL_DOMAIN = "scale.example"
# Courses, events, sessions and certificates made by seed_scale have UUIDs that start with these 32 bits.
UUID_PREFIX = 0x5CA1ED00
UUID_FIRST = uuid.UUID(int=UUID_PREFIX << 96)
UUID_LAST = uuid.UUID(int=(UUID_PREFIX << 96) | ((1 << 96) - 1))
DAY = 86_400.0
YEARS = 3


def scale_uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=(UUID_PREFIX << 96) | rng.getrandbits(96))


def builder_rng(seed: int, builder: str) -> random.Random:
    """Each builder draws from its own stream, so that a change in one leaves the others' data as it was."""
    return random.Random(f"{seed}:{builder}")


@dataclass(frozen=True)
class Timeline:
    """The platform's history: launched ``YEARS`` years before ``until`` (midnight UTC), growing since."""

    until: float
    launch: float

    @classmethod
    def ending(cls, day: date) -> Timeline:
        until = datetime.combine(day, time(), tzinfo=UTC)
        return cls(until=until.timestamp(), launch=(until - timedelta(days=365 * YEARS)).timestamp())

    def growing(self, share: float) -> float:
        """The moment by which ``share`` (0 to 1) of everything that happened had happened, for activity that
        grows steadily (about three times as much in the last year as in the first)."""
        return self.launch + (self.until - self.launch) * share**0.6


def at(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


class Weighted:
    """Draws items in proportion to their weights, quickly (one bisection per draw)."""

    def __init__(self, items: list, weights: list[float]) -> None:
        self.items = items
        self.cumulative = list(accumulate(weights))
        self.total = self.cumulative[-1]

    def __len__(self) -> int:
        return len(self.items)

    def draw(self, rng: random.Random):
        return self.items[bisect(self.cumulative, rng.random() * self.total)]
