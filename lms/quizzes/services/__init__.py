"""Changing quizzes and their question bank: ``bank`` (questions, categories, import and export), ``quizzes``
(quiz settings and slots), ``attempts`` (starting, saving, submitting, closing) and ``grades`` (attempt and quiz
grades, essays, regrading, the quiz grade feeding course completion)."""

from .attempts import *  # noqa: F403
from .bank import *  # noqa: F403
from .bank import EXPORT_FORMATS, IMPORT_FORMATS, ImportReport, QuestionError  # noqa: F401
from .grades import *  # noqa: F403
from .quizzes import *  # noqa: F403
