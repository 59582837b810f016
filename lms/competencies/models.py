from __future__ import annotations

from django.db import models
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Country
from core.text import in_language

from .framework import ASPECTS, LEVELS

lazy_in_language = lazy(in_language, str)
# Choices named from the framework's own data, in the active language.
ASPECT_CHOICES = [(number, lazy_in_language(names)) for number, names in ASPECTS.items()]
LEVEL_CHOICES = [(number, lazy_in_language(names)) for number, names in LEVELS.items()]


class Competency(models.Model):
    """One cell of the UNESCO ICT CFT matrix (aspect × level). The 18 rows are loaded by a migration."""

    aspect = models.PositiveSmallIntegerField(_("aspect"), choices=ASPECT_CHOICES)
    level = models.PositiveSmallIntegerField(_("level"), choices=LEVEL_CHOICES)
    names = models.JSONField(_("names"), help_text=_("The competency's name in each language."))

    class Meta:
        ordering = ["aspect", "level"]
        verbose_name = _("ICT CFT competency")
        verbose_name_plural = _("ICT CFT competencies")
        constraints = [models.UniqueConstraint(fields=["aspect", "level"], name="competencies_unique_cell")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def code(self) -> str:
        return f"{self.aspect}.{self.level}"

    @property
    def name(self) -> str:
        return in_language(self.names)

    @property
    def aspect_name(self) -> str:
        return in_language(ASPECTS[self.aspect])

    @property
    def level_name(self) -> str:
        return in_language(LEVELS[self.level])


class NationalFramework(models.Model):
    """A country's own adaptation of the framework, each of its competencies mapped to UNESCO cells."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country"))
    name = models.CharField(_("name"), max_length=255)

    class Meta:
        verbose_name = _("national framework")
        verbose_name_plural = _("national frameworks")

    def __str__(self) -> str:
        return self.name


class NationalCompetency(models.Model):
    framework = models.ForeignKey(
        NationalFramework, on_delete=models.CASCADE, related_name="competencies", verbose_name=_("framework")
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    cells = models.ManyToManyField(
        Competency, related_name="national_competencies", verbose_name=_("UNESCO cells"), blank=False
    )

    class Meta:
        ordering = ["framework", "code"]
        verbose_name = _("national competency")
        verbose_name_plural = _("national competencies")
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="competencies_national_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
