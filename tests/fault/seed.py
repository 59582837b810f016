"""What the fault-tolerance load needs, written into a `make stack` started with STACK_SEED=0, and the plan the load
generator follows (addresses, accounts) as JSON. Run with the stack's environment (``scripts/stack.sh env``):

    .venv/bin/python -m tests.fault.seed PLAN.json --accounts 600

A course with one module of two lessons (the first is marked done, the second holds a one-question quiz that a pass
completes, so the course completes and its certificate is awarded: a job that renders the PDF, then a job that
emails it), a webinar with fewer places than the load has teachers (confirmed, then waitlisted: an email each), and
``--accounts`` teachers who share one password.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

PASSWORD = "fault-load-password"  # teachers of a throwaway loopback stack
DOMAIN = "fault.example"
CAPACITY = 40


def seed(accounts: int) -> dict:
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.urls import reverse
    from django.utils import translation

    from accounts.models import User
    from cms.models import LessonPage
    from cms.outline import course_sync
    from lms.courses.models import Activity
    from lms.quizzes import services as quizzes
    from tests.conftest import ensure_reference_data
    from tests.factories.courses import make_course
    from tests.factories.quizzes import make_question
    from tests.factories.roles import trainer
    from tests.factories.webinars import make_event

    ensure_reference_data()
    coach = trainer(email=f"trainer@{DOMAIN}")
    course = make_course(title="Teaching through outages", modules=1, lessons=2, trainers=[coach])
    quiz = quizzes.quiz_create(course=course, by=coach, title="Check", pass_grade=50)
    quizzes.slot_add_question(quiz=quiz, by=coach, question=make_question("truefalse", correct_answer=True))
    lesson, quiz_lesson = Activity.objects.filter(course=course).order_by("position", "pk")
    page = LessonPage.objects.get(translation_key=quiz_lesson.translation_key, locale__language_code="en")
    page.body = [("quiz", {"quiz": quiz})]
    page.save_revision().publish()
    course_sync(course.pk)
    quiz_lesson.refresh_from_db()
    assert quiz_lesson.kind == "quiz", quiz_lesson.kind
    event = make_event(sessions=1, capacity=CAPACITY, created_by=coach)

    password = make_password(PASSWORD)  # hashed once (production's hasher is slow on purpose)
    emails = [f"teacher-{index:04d}@{DOMAIN}" for index in range(accounts)]
    User.objects.bulk_create(
        User(email=email, full_name=f"Teacher {index}", preferred_language="en", is_active=True, password=password)
        for index, email in enumerate(emails)
    )
    course.refresh_from_db()
    with translation.override("en"):
        return {
            "course_id": course.pk,
            "quiz_id": quiz.pk,
            "event_id": event.pk,
            "capacity": CAPACITY,
            "password": PASSWORD,
            "accounts": emails,
            "urls": {
                "home": "/en/",
                "catalogue": "/en/courses/",
                "course": course.url,
                "webinars": reverse("webinars:event-list"),
                "event": reverse("webinars:event-detail", kwargs={"event_uuid": event.uuid}),
                "register": reverse("webinars:event-register", kwargs={"event_uuid": event.uuid}),
                "login": reverse("accounts:login"),
                "logout": reverse("accounts:logout"),
                "dashboard": reverse("courses:dashboard"),
                "enroll": reverse("courses:course-enroll", kwargs={"course_uuid": course.uuid}),
                "lesson": lesson.url,
                "complete": reverse("courses:activity-complete", kwargs={"activity_id": lesson.pk}),
                "quiz_lesson": quiz_lesson.url,
                "quiz_start": reverse("quizzes:quiz-start", kwargs={"quiz_uuid": quiz.uuid}),
            },
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("plan")
    parser.add_argument("--accounts", type=int, default=600)
    args = parser.parse_args()
    Path(args.plan).write_text(json.dumps(seed(args.accounts), indent=2))


if __name__ == "__main__":
    main()
