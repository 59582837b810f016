"""Summary tables for the ministries' dashboard: counts per month, place and group, kept current in the background
(``lms.reports.tallies``), so that no dashboard request scans enrollments, certificates or users."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Country, Institution, Region
from lms.courses.models import Course


class Metric(models.TextChoices):
    REGISTERED = "registered", _("Registered teachers")
    ACTIVE = "active", _("Active in the last 30 days")
    ENROLLMENTS = "enrollments", _("Enrollments")
    COMPLETIONS = "completions", _("Completions")
    CERTIFICATES = "certificates", _("Certificates")
    ATTENDANCE = "attendance", _("Webinar and workshop attendance")
    # One count per certificate and ICT CFT cell its course covers (a certificate covers several cells).
    CELLS = "cells", _("Certified ICT CFT competencies")


class Tally(models.Model):
    """How many of ``metric`` happened in ``month`` for one combination of the dimensions its ``grain`` names.

    A grain is a set of dimension letters: R region, C course, G gender, I institution, A ICT CFT cell; month,
    country and language (the teacher's) are in every grain. The dimensions a grain leaves out are empty, so a
    request reads the smallest grain holding what it groups and filters by (``lms.reports.statistics``)."""

    grain = models.CharField(max_length=4)
    metric = models.CharField(max_length=12, choices=Metric.choices)
    month = models.DateField()
    country = models.ForeignKey(
        Country, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+", db_index=False
    )
    region = models.ForeignKey(
        Region, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+", db_index=False
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+", db_index=False
    )
    course = models.ForeignKey(
        Course, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+", db_index=False
    )
    gender = models.CharField(max_length=12, blank=True)
    language = models.CharField(max_length=10, blank=True)
    aspect = models.PositiveSmallIntegerField(null=True)
    level = models.PositiveSmallIntegerField(null=True)
    count = models.PositiveIntegerField()

    class Meta:
        # Only the indexes reads use (below): a rebuild writes millions of rows, and each index slows it.
        verbose_name = _("tally")
        verbose_name_plural = _("tallies")
        indexes = [
            models.Index(fields=["grain", "country", "month"], name="reports_tally_country"),
            models.Index(fields=["grain", "region", "month"], name="reports_tally_region"),
            models.Index(fields=["grain", "course", "month"], name="reports_tally_course"),
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.metric} {self.month:%Y-%m}: {self.count}"


class TallySlice(models.Model):
    """A country's month whose tallies are out of date: marked after the commit of whatever changed it, and
    counted again by the next refresh (``tallies_refresh``). ``country_key`` is 0 for rows without a country."""

    country_key = models.PositiveIntegerField()
    month = models.DateField()
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["country_key", "month"], name="reports_slice_unique")]

    def __str__(self) -> str:
        return f"{self.country_key} {self.month:%Y-%m}"
