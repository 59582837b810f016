"""Foreign keys must point down the layers (import-linter cannot see string references like "app.Model")."""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.conf import settings
from django.db.models import Model


def _layer_of(module: str) -> tuple[int, str] | None:
    package = module.split(".")[0]
    for index, layer in enumerate(settings.MAKTABA_LAYERS):
        if package in layer:
            return index, package
    return None


def layer_violations(models: Iterable[type[Model]] | None = None) -> list[str]:
    """Every relation from one of our models to a model in a higher or sibling layer."""
    problems = []
    for model in apps.get_models() if models is None else models:
        source = _layer_of(model.__module__)
        if source is None:
            continue
        for field in model._meta.get_fields(include_hidden=True):
            if not field.is_relation or field.auto_created or field.related_model is None:
                continue
            if isinstance(field.related_model, str):
                continue
            target = _layer_of(field.related_model.__module__)
            if target is None or target[1] == source[1]:
                continue
            if target[0] <= source[0]:
                problems.append(
                    f"{model._meta.label}.{field.name} -> {field.related_model._meta.label}: "
                    f"{source[1]} may only point at layers below it"
                )
    return problems
