"""Every UI string ships translated into Russian and Arabic, with all plural forms and the same
placeholders, and the committed .mo files match the .po files."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"
PLURAL_FORMS = {"ru": 3, "ar": 6}
PLACEHOLDER = re.compile(r"%\([A-Za-z_]\w*\)[sdfr]|%[sdfr]|\{[A-Za-z_]\w*\}")


def _catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


@pytest.mark.parametrize("language", PLURAL_FORMS)
def test_every_entry_is_translated_and_none_is_fuzzy(language):
    catalogue = _catalogue(language)
    entries = [entry for entry in catalogue if not entry.obsolete]
    assert len(entries) > 50
    untranslated = [entry.msgid for entry in entries if not entry.translated()]
    fuzzy = [entry.msgid for entry in entries if "fuzzy" in entry.flags]
    assert untranslated == [], f"untranslated in {language}"
    assert fuzzy == [], f"fuzzy in {language}"


@pytest.mark.parametrize("language", PLURAL_FORMS)
def test_plural_entries_have_every_form_the_language_needs(language):
    catalogue = _catalogue(language)
    assert f"nplurals={PLURAL_FORMS[language]};" in catalogue.metadata["Plural-Forms"].replace(" ", "")
    plural = [entry for entry in catalogue if entry.msgid_plural and not entry.obsolete]
    assert plural, "the catalogue should have plural entries (blocktranslate count)"
    for entry in plural:
        forms = [entry.msgstr_plural.get(index, "") for index in range(PLURAL_FORMS[language])]
        assert all(forms), f"{language}: {entry.msgid!r} lacks plural forms: {forms}"


@pytest.mark.parametrize("language", PLURAL_FORMS)
def test_translations_keep_the_placeholders_of_the_source(language):
    problems = []
    for entry in _catalogue(language):
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            source = {_placeholders(entry.msgid_plural).__repr__(), _placeholders(entry.msgid).__repr__()}
            problems += [
                (entry.msgid, form) for form in entry.msgstr_plural.values() if repr(_placeholders(form)) not in source
            ]
        elif _placeholders(entry.msgstr) != _placeholders(entry.msgid):
            problems.append((entry.msgid, entry.msgstr))
    assert problems == []


@pytest.mark.parametrize("language", PLURAL_FORMS)
def test_committed_mo_matches_the_po(language):
    """`make run` needs no gettext because the compiled catalogues are committed: they must be current."""
    mo_path = LOCALE / language / "LC_MESSAGES" / "django.mo"
    with mo_path.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in _catalogue(language):
        if entry.obsolete or not entry.translated():
            continue
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            for index, form in entry.msgstr_plural.items():
                assert compiled._catalog.get((key, int(index))) == form, f"{language}: run `make messages`"
        else:
            assert compiled._catalog.get(key) == entry.msgstr, f"{language}: run `make messages` ({entry.msgid!r})"
