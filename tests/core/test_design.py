"""The stylesheet works in both directions: logical properties only, no physical left/right."""

import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2]
PHYSICAL = re.compile(
    r"(?<![\w-])(margin|padding|border)-(left|right)\b|(?<![\w-])(left|right)\s*:|text-align\s*:\s*(left|right)"
    r"|float\s*:\s*(left|right)|(?<![\w-])(width|height)\s*:"
)


def _stylesheets():
    # Every app's static folder, also apps nested in a package (lms/quizzes/static).
    return sorted(
        path
        for path in STATIC.glob("**/static/**/*.css")
        if not {".venv", ".services", "var", "media", "node_modules"} & set(path.relative_to(STATIC).parts)
        and path.relative_to(STATIC).parts[0] != "static"  # STATIC_ROOT: collectstatic's copies, other projects' too
    )


def test_there_are_stylesheets_to_check():
    assert _stylesheets()


def test_app_stylesheets_inside_packages_are_checked_too():
    assert any(path.relative_to(STATIC).parts[:2] == ("lms", "quizzes") for path in _stylesheets())


@pytest.mark.parametrize("path", _stylesheets(), ids=lambda path: str(path.relative_to(STATIC)))
def test_stylesheet_uses_logical_properties_only(path):
    css = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
    css = re.sub(r"@media[^{]*\{", "{", css)  # media queries may name width
    offenders = [match.group(0) for match in PHYSICAL.finditer(css)]
    assert offenders == []


def test_the_check_catches_physical_properties():
    assert PHYSICAL.search(".x { margin-left: 1rem }")
    assert PHYSICAL.search(".x { text-align: right }")
    assert not PHYSICAL.search(".x { margin-inline-start: 1rem; inset-inline-end: 0 }")
