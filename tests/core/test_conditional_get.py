"""Conditional GET (ETag, Last-Modified, 304) and gzip of HTML and JSON (core/compression.py): a repeat visit on a
slow connection gets an empty 304, compressed or not, and file downloads are left alone."""

from __future__ import annotations

import gzip
import io

import pytest
from django.http import FileResponse, HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import path

from cms.models import CoursePage
from core import page_cache
from tests.factories.accounts import UserFactory
from tests.factories.courses import make_course

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def test_a_repeat_anonymous_visit_gets_an_empty_304_straight_from_the_cache(client, django_assert_num_queries):
    make_course(title="Digital pedagogy")
    first = client.get("/en/courses/")
    etag = first["ETag"]
    assert etag.startswith('"')
    assert first["Last-Modified"]

    with django_assert_num_queries(0):
        again = client.get("/en/courses/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert "max-age" not in again["Cache-Control"]


def test_if_modified_since_gets_a_304_too(client):
    first = client.get("/en/")
    again = client.get("/en/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304
    assert again.content == b""


def test_a_changed_page_is_sent_in_full(client):
    course = make_course(title="Digital pedagogy")
    page = CoursePage.objects.get(course=course)
    etag = client.get(page.url)["ETag"]
    page.title = "Pedagogy for the digital age"
    page.save_revision().publish()
    response = client.get(page.url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert b"Pedagogy for the digital age" in response.content
    assert response["ETag"] != etag


def test_a_compressed_page_keeps_a_matching_weak_etag(client):
    plain = client.get("/en/")
    compressed = client.get("/en/", **GZIP)
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    assert gzip.decompress(compressed.content) == plain.content
    assert int(compressed["Content-Length"]) == len(compressed.content) < len(plain.content)
    assert compressed["ETag"] == "W/" + plain["ETag"]
    # Either form of the ETag gives a 304, with or without compression.
    for etag in (compressed["ETag"], plain["ETag"]):
        for headers in ({}, GZIP):
            response = client.get("/en/", HTTP_IF_NONE_MATCH=etag, **headers)
            assert response.status_code == 304
            assert response.content == b""


def test_plain_views_get_an_etag_and_a_304(client):
    first = client.get("/en/webinars/", **GZIP)
    assert first.status_code == 200
    assert first["Content-Encoding"] == "gzip"
    assert page_cache.HIT_HEADER not in first  # not a Wagtail page: never stored
    again = client.get("/en/webinars/", HTTP_IF_NONE_MATCH=first["ETag"], **GZIP)
    assert again.status_code == 304
    assert again.content == b""


def test_a_signed_in_teacher_gets_her_own_page_not_a_304_for_the_anonymous_one(client):
    course = make_course(title="Digital pedagogy")
    url = CoursePage.objects.get(course=course).url
    anonymous = client.get(url)
    client.force_login(UserFactory())
    response = client.get(url, HTTP_IF_NONE_MATCH=anonymous["ETag"], HTTP_IF_MODIFIED_SINCE=anonymous["Last-Modified"])
    assert response.status_code == 200
    assert b"Sign in to enroll" not in response.content
    assert "Last-Modified" not in response  # her page has her own bits: no date to revalidate against
    assert {part.strip() for part in response["Cache-Control"].split(",")} == {"private", "no-cache"}


# Compression of what is not HTML -----------------------------------------------------------------------------

PDF = b"%PDF-1.4\n" + b"0" * 5000


def _json(request):
    return JsonResponse({"items": [{"name": "a course", "hours": 3}] * 50})


def _pdf_file(request):
    return FileResponse(io.BytesIO(PDF), as_attachment=True, filename="certificate.pdf")


def _csv_file(request):
    return FileResponse(io.BytesIO(b"a,b\n" * 1000), as_attachment=True, filename="export.csv")


def _pdf_bytes(request):
    return HttpResponse(PDF, content_type="application/pdf")


def _csv_stream(request):
    return StreamingHttpResponse((b"a,b\n" for _ in range(1000)), content_type="text/csv; charset=utf-8")


urlpatterns = [
    path("json/", _json),
    path("pdf-file/", _pdf_file),
    path("csv-file/", _csv_file),
    path("pdf-bytes/", _pdf_bytes),
    path("csv-stream/", _csv_stream),
]


@pytest.mark.urls(__name__)
def test_json_is_compressed_and_revalidated(client):
    plain = client.get("/json/")
    response = client.get("/json/", **GZIP)
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content) == plain.content
    again = client.get("/json/", HTTP_IF_NONE_MATCH=response["ETag"], **GZIP)
    assert again.status_code == 304


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("url", ["/pdf-file/", "/csv-file/"])
def test_file_downloads_are_not_compressed_and_keep_their_length(client, url):
    response = client.get(url, **GZIP)
    assert response.status_code == 200
    assert "Content-Encoding" not in response
    body = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(body)
    assert response["Content-Disposition"].startswith("attachment")


@pytest.mark.urls(__name__)
def test_a_pdf_is_not_compressed_again(client):
    response = client.get("/pdf-bytes/", **GZIP)
    assert "Content-Encoding" not in response
    assert response.content == PDF


@pytest.mark.urls(__name__)
def test_a_streamed_csv_export_is_compressed(client):
    response = client.get("/csv-stream/", **GZIP)
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(b"".join(response.streaming_content)) == b"a,b\n" * 1000
