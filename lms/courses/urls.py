from django.urls import path

from . import views, views_bulk

app_name = "courses"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/record/", views.training_record, name="training-record"),
    path("learning/courses/<uuid:course_uuid>/enroll/", views.course_enroll, name="course-enroll"),
    path("learning/courses/<uuid:course_uuid>/withdraw/", views.course_withdraw, name="course-withdraw"),
    path("learning/activities/<int:activity_id>/complete/", views.activity_complete, name="activity-complete"),
    path("learning/manage/", views.manage_list, name="manage-list"),
    path("learning/manage/<uuid:course_uuid>/participants/", views.participants, name="participants"),
    path("learning/manage/<uuid:course_uuid>/participants/add/", views.participants_add, name="participants-add"),
    path("learning/manage/<uuid:course_uuid>/announcements/", views.announcement_create, name="announcement-create"),
    path("learning/manage/<uuid:course_uuid>/cohorts/", views.cohort_enroll, name="cohort-enroll"),
    path("learning/manage/enrollments/<int:enrollment_id>/decide/", views.enrollment_decide, name="enrollment-decide"),
    # Bulk enrollment from a CSV file (views_bulk).
    path(
        "learning/manage/<uuid:course_uuid>/participants/bulk/", views_bulk.bulk_upload, name="enrollment-bulk-upload"
    ),
    path(
        "learning/manage/<uuid:course_uuid>/participants/bulk/<slug:token>/",
        views_bulk.bulk_preview,
        name="enrollment-bulk-preview",
    ),
    path(
        "learning/manage/<uuid:course_uuid>/participants/bulk/<slug:token>/problems.csv",
        views_bulk.bulk_errors,
        name="enrollment-bulk-errors",
    ),
    path(
        "learning/manage/<uuid:course_uuid>/participants/bulk/<slug:token>/confirm/",
        views_bulk.bulk_commit,
        name="enrollment-bulk-commit",
    ),
    path(
        "learning/manage/<uuid:course_uuid>/participants/bulk/jobs/<uuid:job_id>/",
        views_bulk.bulk_result,
        name="enrollment-bulk-result",
    ),
    path(
        "learning/manage/<uuid:course_uuid>/participants/bulk/jobs/<uuid:job_id>/passwords/",
        views_bulk.bulk_passwords,
        name="enrollment-bulk-passwords",
    ),
]
