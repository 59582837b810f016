from django.contrib import admin

from .models import Competency, NationalCompetency, NationalFramework


@admin.register(Competency)
class CompetencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "aspect", "level"]
    list_filter = ["aspect", "level"]


class NationalCompetencyInline(admin.StackedInline):
    model = NationalCompetency
    extra = 1
    filter_horizontal = ["cells"]


@admin.register(NationalFramework)
class NationalFrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "country"]
    inlines = [NationalCompetencyInline]
    autocomplete_fields = ["country"]
