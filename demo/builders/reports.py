"""The ministries' dashboard counts the demo's teachers, enrollments and certificates (run after the other builders)."""

from lms.reports.tallies import tallies_rebuild


def build() -> list[str]:
    tallies_rebuild()
    return [
        "ministry@example.org sees the dashboard of Egypt at /en/reports/ (figures below 5 show as <5; "
        "`manage.py seed_scale --teachers 2000` gives it more to count)"
    ]
