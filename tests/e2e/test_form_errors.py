"""Form errors are announced (issue #9): a form sent with mistakes comes back with an error summary that is an alert and
has the focus, one link in it per wrong field; each wrong field carries aria-invalid="true" and aria-describedby
pointing at its own error message, which stands next to it; what she typed is kept; and the page passes axe. The sign-up
form (a visitor, in English and Arabic), the profile (a teacher) and a new quiz's settings (a trainer)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from tests.e2e.a11y import assert_accessible
from tests.factories.accounts import UserFactory
from tests.factories.courses import make_course
from tests.factories.roles import trainer

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a-long-test-password-1"

# Every field marked invalid, with the text of what its aria-describedby points at; and the summary's links.
_ERRORS = """() => {
  const summary = document.querySelector('.form-errors');
  const fields = [...document.querySelectorAll('[aria-invalid="true"]')].map((el) => ({
    id: el.id,
    described: (el.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean).map((id) => {
      const target = document.getElementById(id);
      return target ? {id, text: target.innerText.trim(), error: target.classList.contains('errorlist')} : {id};
    }),
  }));
  return {
    alert: summary ? summary.getAttribute('role') : null,
    focused: summary !== null && document.activeElement === summary,
    links: summary ? [...summary.querySelectorAll('a[href^="#"]')].map((a) => a.getAttribute('href').slice(1)) : [],
    fields,
    errorLists: [...document.querySelectorAll('main .errorlist[id]')].map((ul) => ul.id),
  };
}"""


def sign_in(page, base: str, user, language: str = "en") -> None:
    page.goto(f"{base}/{language}/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url


def assert_errors_announced(page, expected: set[str]) -> None:
    """The summary is an alert with the focus and links to exactly the ``expected`` fields (by id); each of them is
    aria-invalid and described by its own error message, non-empty; no error message is left undescribed."""
    state = page.evaluate(_ERRORS)
    assert state["alert"] == "alert", "no error summary with role=alert"
    assert state["focused"], "the focus did not move to the error summary"
    assert set(state["links"]) == expected
    assert {field["id"] for field in state["fields"]} == expected
    for field in state["fields"]:
        errors = [target for target in field["described"] if target.get("error")]
        assert errors and errors[0]["id"] == f"{field['id']}_error" and errors[0]["text"], field
    assert set(state["errorLists"]) == {f"{field_id}_error" for field_id in expected}
    # Following a link of the summary puts the focus in that field.
    first = sorted(expected)[0]
    page.locator(f".form-errors a[href='#{first}']").press("Enter")
    assert page.evaluate("() => document.activeElement.id") == first


@pytest.mark.parametrize("language", ["en", "ar"])
def test_sign_up_errors_are_announced_and_tied_to_their_fields(live_server, chromium, language):
    page = chromium.new_page(locale=language)
    with translation.override(language):
        page.goto(live_server.url + reverse("accounts:signup"))
    page.fill("input[name=email]", "mariam@example")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", "a-different-password-2")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    invalid = set(page.evaluate("() => [...document.querySelectorAll('[aria-invalid=true]')].map((el) => el.name)"))
    assert {"full_name", "email", "password2"} <= invalid  # missing, not an address, not the same password
    assert page.locator("input[name=email]").input_value() == "mariam@example"  # what she typed is kept
    assert_errors_announced(page, {f"id_{name}" for name in invalid})
    assert_accessible(page)
    page.close()


def test_profile_errors_are_announced(live_server, chromium):
    teacher = UserFactory(full_name="Amina Hassan")
    teacher.set_password(PASSWORD)
    teacher.save()
    page = chromium.new_page()
    sign_in(page, live_server.url, teacher)
    page.goto(live_server.url + reverse("accounts:profile"))
    page.fill("input[name=full_name]", "")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert_errors_announced(page, {"id_full_name"})
    assert_accessible(page)
    page.close()


def test_new_quiz_errors_are_announced(live_server, chromium):
    author = trainer()
    author.set_password(PASSWORD)
    author.save()
    course = make_course(modules=1, lessons=1, trainers=[author])
    page = chromium.new_page()
    sign_in(page, live_server.url, author)
    page.goto(live_server.url + reverse("quizzes:quiz-create", kwargs={"course_uuid": course.uuid}))
    page.fill("input[name=title]", "")
    page.fill("input[name=pass_grade]", "150")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    invalid = set(page.evaluate("() => [...document.querySelectorAll('[aria-invalid=true]')].map((el) => el.id)"))
    assert {"id_title", "id_pass_grade"} <= invalid
    assert_errors_announced(page, invalid)
    assert_accessible(page)
    page.close()
