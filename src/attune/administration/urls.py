from django.urls import path

from attune.administration import views

app_name = "administration"

urlpatterns = [
    path("service/people/<int:user_id>/", views.person, name="person"),
    path("service/settings/", views.service_settings, name="settings"),
    path("service/reports/", views.reports, name="reports"),
    path("service/reports.csv", views.reports_csv, name="reports_csv"),
]
