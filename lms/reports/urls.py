"""The ministries' pages under ``/<lang>/reports/``: dashboard, certificate registry, exports."""

from django.urls import path

from . import views
from .export_views import export_file, export_result, exports_page

app_name = "reports"
urlpatterns = [
    path("reports/", views.dashboard, name="dashboard"),
    path("reports/audit/", views.audit_log, name="audit-log"),
    path("reports/registry/", views.registry, name="registry"),
    path("reports/registry/<int:user_id>/", views.registry_teacher, name="registry-teacher"),
    path("reports/exports/", exports_page, name="exports"),
    path("reports/exports/<uuid:job_id>/", export_result, name="export-result"),
    path("reports/exports/<uuid:job_id>/download/", export_file, name="export-file"),
]
