"""Reading quizzes and their question bank: ``bank`` (categories, questions, versions) and ``quizzes`` (quizzes,
attempts, grades, the gradebook and the essay queue)."""

from .bank import *  # noqa: F403
from .quizzes import *  # noqa: F403
