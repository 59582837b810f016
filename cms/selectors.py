from __future__ import annotations

from django.db.models import QuerySet
from wagtail.models import Locale, Page


def news_latest(*, locale: Locale, parent: Page | None = None, limit: int | None = None) -> QuerySet:
    from .models import NewsPage

    news = NewsPage.objects.live().public().filter(locale=locale).order_by("-date", "-first_published_at")
    if parent is not None:
        news = news.child_of(parent)
    return news[:limit] if limit else news
