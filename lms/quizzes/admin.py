from django.contrib import admin
from polymorphic.admin import PolymorphicChildModelAdmin, PolymorphicParentModelAdmin

from .models import QUESTION_CLASSES, Question, QuestionCategory, QuestionVersion


@admin.register(QuestionCategory)
class QuestionCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "owner", "created_at"]
    search_fields = ["name"]
    raw_id_fields = ["parent", "owner"]


class QuestionChildAdmin(PolymorphicChildModelAdmin):
    base_model = Question
    raw_id_fields = ["category", "owner"]
    readonly_fields = ["version", "created_at", "updated_at"]


for _model in QUESTION_CLASSES.values():
    admin.site.register(_model, type(f"{_model.__name__}Admin", (QuestionChildAdmin,), {"base_model": Question}))


@admin.register(Question)
class QuestionAdmin(PolymorphicParentModelAdmin):
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
