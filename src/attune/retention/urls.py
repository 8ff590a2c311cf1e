from django.urls import path

from attune.retention import views

app_name = "retention"

urlpatterns = [
    path("cases/<str:reference>/subject-access/", views.subject_access, name="sar"),
    path(
        "cases/<str:reference>/subject-access/<str:person>/export.zip",
        views.subject_access_export,
        name="sar_export",
    ),
]
