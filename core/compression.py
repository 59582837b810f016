"""gzip for our HTML and JSON (gunicorn serves the site directly, there is no proxy to compress it).

Django's ``GZipMiddleware`` with two limits:

* only text that compresses (HTML, JSON, CSV, XML, JavaScript, calendars); PDFs, images, zip and office files are
  compressed already, and gzipping them again costs CPU for nothing;
* never a file download (``FileResponse``: certificates, export files from ``core.job_files``): its
  ``Content-Length`` lets a slow phone show progress and tell a finished download from a cut one, and GZipMiddleware
  would drop it and send the file chunked. Streamed CSV exports have no length to lose and are compressed.

BREACH (guessing a secret from compressed sizes): Django masks the CSRF token anew on every response and, since 4.2,
GZipMiddleware pads the gzip header with a random file name (``max_random_bytes``), so sizes do not leak secrets.

ETags: ``ConditionalGetMiddleware`` comes after this middleware, so it computes the ETag on the uncompressed body
and answers 304 before anything is compressed; this middleware then weakens the ETag (``W/"…"``) as RFC 9110 asks
of a compressed representation. If-None-Match compares weakly, so both forms give a 304.
"""

from __future__ import annotations

from django.http import FileResponse
from django.middleware.gzip import GZipMiddleware

COMPRESSIBLE = (
    "text/",
    "application/json",
    "application/problem+json",
    "application/vnd.oai.openapi",
    "application/javascript",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/ld+json",
    "image/svg+xml",
)


class CompressTextMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        content_type = response.get("Content-Type", "").split(";", 1)[0].strip().lower()
        if not content_type.startswith(COMPRESSIBLE) or isinstance(response, FileResponse):
            return response
        if response.streaming and response.has_header("Content-Length"):
            return response
        return super().process_response(request, response)
