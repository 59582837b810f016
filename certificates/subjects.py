"""The certificate subjects a trainer teaches. ``certificates`` knows a subject only by its opaque key; the layers
above it know which keys are whose (``lms`` registers a provider for its courses and the events it counts), so a
trainer sees the certificates of her own courses and events without ``certificates`` importing them."""

from __future__ import annotations

from collections.abc import Callable, Iterable

SubjectProvider = Callable[[object], Iterable[str]]
_providers: list[SubjectProvider] = []


def subject_provider_register(provider: SubjectProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def trainer_subject_keys(user) -> frozenset[str]:
    """The subject keys of everything ``user`` teaches, from every registered provider."""
    if not user.is_authenticated:
        return frozenset()
    return frozenset(key for provider in _providers for key in provider(user))
