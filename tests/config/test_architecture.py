"""The layers of ARCHITECTURE.md hold for foreign keys too (import-linter cannot see "app.Model" strings)."""

from django.db import models
from django.test.utils import isolate_apps

from accounts.models import Country
from core.layers import layer_violations


def test_every_foreign_key_points_down_the_layers():
    assert layer_violations() == []


@isolate_apps("core")
def test_a_foreign_key_from_a_lower_layer_to_a_higher_one_is_reported():
    class Sneaky(models.Model):
        country = models.ForeignKey(Country, on_delete=models.CASCADE)

        class Meta:
            app_label = "core"

    Sneaky.__module__ = "core.models"
    problems = layer_violations([Sneaky])
    assert len(problems) == 1
    assert "core.Sneaky.country -> accounts.Country" in problems[0]
