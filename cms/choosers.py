"""Admin choosers for lms and webinars records used in page content: the lesson's quiz block chooses a quiz of a
course the editor teaches (every quiz for a superuser), and its live session block a scheduled session of an
event the editor trains (every one for a superuser)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView
from wagtail.admin.viewsets.chooser import ChooserViewSet

from lms.courses.selectors import courses_managed_by
from lms.quizzes.models import Quiz
from webinars.models import Event, Session
from webinars.selectors.events import events_managed_by


class _OwnQuizzes:
    def get_object_list(self):
        return (
            Quiz.objects.filter(course__in=courses_managed_by(self.request.user))
            .select_related("course")
            .order_by("course__title", "title")
        )


class QuizChooseView(_OwnQuizzes, ChooseView):
    pass


class QuizChooseResultsView(_OwnQuizzes, ChooseResultsView):
    pass


class QuizChooserViewSet(ChooserViewSet):
    model = Quiz
    icon = "form"
    choose_one_text = _("Choose a quiz")
    choose_another_text = _("Choose another quiz")
    choose_view_class = QuizChooseView
    choose_results_view_class = QuizChooseResultsView
    # Quizzes are created with their settings and questions in the trainers' quiz pages, not in this modal.
    creation_form_class = None
    form_fields = None


quiz_chooser_viewset = QuizChooserViewSet("quiz_chooser")


class _OwnSessions:
    def get_object_list(self):
        return (
            Session.objects.filter(event__in=events_managed_by(self.request.user), status=Session.Status.SCHEDULED)
            .exclude(event__status=Event.Status.CANCELLED)
            .select_related("event")
            .order_by("starts_at", "pk")
        )


class SessionChooseView(_OwnSessions, ChooseView):
    pass


class SessionChooseResultsView(_OwnSessions, ChooseResultsView):
    pass


class SessionChooserViewSet(ChooserViewSet):
    """Sessions are listed by ``Session.__str__``: the session's (or event's) title and its start time."""

    model = Session
    icon = "date"
    choose_one_text = _("Choose a live session")
    choose_another_text = _("Choose another live session")
    choose_view_class = SessionChooseView
    choose_results_view_class = SessionChooseResultsView
    # Sessions are planned with their event in the trainers' webinar pages, not in this modal.
    creation_form_class = None
    form_fields = None


session_chooser_viewset = SessionChooserViewSet("session_chooser")
