from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import routing as cms_routing
from core.views import favicon, health

handler500 = "core.views.server_error"  # 503 with Retry-After while the database is out of reach

urlpatterns = [
    path("health/", health, name="health"),
    path("favicon.ico", favicon, name="favicon"),
    path("django-admin/", admin.site.urls),
    path("cms-admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # /verify/<code>/ (the QR code's address, no language prefix) and /<lang>/verify/, /<lang>/certificates/...
    path("", include("certificates.urls")),
    path("api/v1/", include("lms.reports.api.urls")),  # the REST API (docs/api.md), JSON, no language prefix
]

urlpatterns += i18n_patterns(
    path("accounts/", include("accounts.urls")),
    path("", include("lms.courses.urls")),
    path("", include("lms.quizzes.urls")),
    path("", include("webinars.urls")),
    path("", include("lms.reports.urls")),
    path("", include("cms.urls")),
    path("", include("core.urls")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    # The form of a password-protected page posts here. It must come before the page pattern below, which matches
    # any path of words, `_util/...` included. (Wagtail's other helper, `_util/login/`, stays shadowed on purpose:
    # pages for signed-in people send visitors to our sign-in page, WAGTAIL_FRONTEND_LOGIN_URL.)
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        wagtail_views.authenticate_with_password,
        name="wagtailcore_authenticate_with_password",
    ),
    # Wagtail serves everything else: /<lang>/ is that language's home page. Its page view goes through ours, which
    # finds the page from memory (cms/routing.py); its other views (password-protected pages) stay its own.
    re_path(wagtail_urls.serve_pattern, cms_routing.serve, name="wagtail_serve"),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns = (
        staticfiles_urlpatterns() + static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
    )
elif getattr(settings, "SERVE_MEDIA", False):
    # One machine without a web server in front (`make stack`): Django serves the images' files, and only those
    # (documents go through Wagtail's view, which checks privacy; certificates and job files through ours).
    prefix = settings.MEDIA_URL.lstrip("/")
    images = rf"^{prefix}(?P<path>(?:images|original_images)/.+)$"
    media = re_path(images, serve, {"document_root": settings.MEDIA_ROOT})
    urlpatterns = [media, *urlpatterns]
