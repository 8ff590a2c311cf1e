from django.urls import path

from attune.supervision import views

app_name = "supervision"

urlpatterns = [
    path("supervision/", views.home, name="home"),
    path("supervision/trainees/<int:trainee_id>/", views.trainee, name="trainee"),
    path("supervision/trainees/<int:trainee_id>/sessions/", views.session_add, name="session_add"),
    path("supervision/trainees/<int:trainee_id>/records/", views.record_add, name="record_add"),
    path(
        "supervision/trainees/<int:trainee_id>/evaluations/",
        views.evaluation_add,
        name="evaluation_add",
    ),
    path(
        "supervision/sessions/<int:session_id>/confirm/",
        views.session_confirm,
        name="session_confirm",
    ),
    path("me/notifications/", views.notifications, name="notifications"),
    path(
        "me/notifications/<int:notification_id>/",
        views.notification_open,
        name="notification_open",
    ),
]
