"""Pages of results: ``?page=2&page_size=100`` (50 by default, at most 200), with the total count and the
addresses of the next and previous pages."""

from __future__ import annotations

from rest_framework.pagination import PageNumberPagination

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class ApiPagination(PageNumberPagination):
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
