from . import views, views_bank, views_manage

app_name = "quizzes"

urlpatterns = [
    # Learners (views): taking a quiz, reviewing an attempt, own grades.
    *views.urlpatterns,
    # Trainers (views_manage): quizzes of a course, essay grading, regrading, gradebook.
    *views_manage.urlpatterns,
    # Trainers (views_bank): the question bank, import with preview, export, translations.
    *views_bank.urlpatterns,
]
