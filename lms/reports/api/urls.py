"""``/api/v1/`` (included outside the language prefix in config/urls.py; names are ``api:<name>``).

A new endpoint is one more ``path`` above the catch-all, which must stay last: it answers every other address under
``/api/v1/`` with a JSON 404 (otherwise Django would answer with an HTML page, or LocaleMiddleware would redirect
into the site)."""

from django.urls import path, re_path

from . import views
from .exceptions import api_not_found

app_name = "api"

urlpatterns = [
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("certificates/", views.CertificateListView.as_view(), name="certificate-list"),
    path("certificates/verify/<str:code>/", views.CertificateVerifyView.as_view(), name="certificate-verify"),
    path("teachers/", views.TeacherListView.as_view(), name="teacher-list"),
    path("teachers/<int:pk>/", views.TeacherDetailView.as_view(), name="teacher-detail"),
    path("me/enrollments/", views.MyEnrollmentsView.as_view(), name="my-enrollments"),
    path("me/certificates/", views.MyCertificatesView.as_view(), name="my-certificates"),
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
    re_path(r"^", api_not_found, name="not-found"),
]
