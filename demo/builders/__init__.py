"""One builder module per app; each has ``build() -> list[str]`` (lines to print) and is idempotent.
Later features add their module to BUILDERS without editing the others."""

from . import accounts, certificates, cms, courses, library, quizzes, reports, webinars

DEMO_PASSWORD = accounts.DEMO_PASSWORD
BUILDERS = [accounts, cms, courses, quizzes, webinars, library, certificates, reports]
