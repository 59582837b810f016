from django.contrib import admin
from polymorphic.admin import PolymorphicChildModelAdmin, PolymorphicParentModelAdmin

from .models import QUESTION_CLASSES, Attempt, Question, QuestionCategory, QuestionVersion, Quiz, QuizGrade, QuizSlot


@admin.register(QuestionCategory)
class QuestionCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "owner", "created_at"]
    search_fields = ["name"]
    raw_id_fields = ["parent", "owner"]


class ReadOnlyQuestionsMixin:
    """Questions are written and changed in the question bank pages, whose services make a new version for
    every change; saving here would change past attempts' grading silently. The admin only shows them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class QuestionChildAdmin(ReadOnlyQuestionsMixin, PolymorphicChildModelAdmin):
    base_model = Question
    raw_id_fields = ["category", "owner"]
    readonly_fields = ["version", "created_at", "updated_at"]


for _model in QUESTION_CLASSES.values():
    admin.site.register(_model, type(f"{_model.__name__}Admin", (QuestionChildAdmin,), {"base_model": Question}))


@admin.register(Question)
class QuestionAdmin(ReadOnlyQuestionsMixin, PolymorphicParentModelAdmin):
    base_model = Question
    child_models = tuple(QUESTION_CLASSES.values())
    list_display = ["name", "polymorphic_ctype", "category", "owner", "version", "updated_at"]
    search_fields = ["name", "idnumber"]
    list_select_related = ["category", "owner", "polymorphic_ctype"]


@admin.register(QuestionVersion)
class QuestionVersionAdmin(admin.ModelAdmin):
    list_display = ["question", "number", "created_by", "created_at"]
    raw_id_fields = ["question", "created_by"]
    readonly_fields = ["question", "number", "data", "created_by", "created_at"]


class QuizSlotInline(admin.TabularInline):
    model = QuizSlot
    raw_id_fields = ["question", "random_category"]
    extra = 0


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = ["title", "course", "activity", "time_limit_minutes", "attempts_allowed", "grading_method"]
    list_select_related = ["course", "activity"]
    search_fields = ["title", "course__title"]
    raw_id_fields = ["course", "created_by"]
    readonly_fields = ["uuid", "activity", "created_at"]
    inlines = [QuizSlotInline]


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    """For support: attempts are changed only by the services (a learner's answers, a trainer's marks)."""

    list_display = ["quiz", "user", "number", "state", "closed_by", "started_at", "finished_at", "grade"]
    list_filter = ["state", "closed_by", "needs_grading"]
    list_select_related = ["quiz", "user"]
    search_fields = ["user__email", "user__username", "quiz__title"]
    raw_id_fields = ["quiz", "user"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(QuizGrade)
class QuizGradeAdmin(admin.ModelAdmin):
    list_display = ["quiz", "user", "grade", "passed", "updated_at"]
    list_select_related = ["quiz", "user"]
    search_fields = ["user__email", "user__username", "quiz__title"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
