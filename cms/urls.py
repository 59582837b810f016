from django.urls import path

from . import views

app_name = "cms"

urlpatterns = [
    path("learning/manage/<uuid:course_uuid>/copy/", views.course_copy, name="course-copy"),
]
