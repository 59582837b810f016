from django.urls import path

from . import views

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
    path("learning/manage/enrollments/<int:enrollment_id>/decide/", views.enrollment_decide, name="enrollment-decide"),
]
