from django.urls import path

from attune.analysis import views

app_name = "analysis"

urlpatterns = [
    path("analysis/films/<uuid:film_id>/status/", views.film_status, name="film_status"),
    path("analysis/films/<uuid:film_id>/analyse/", views.reanalyse, name="reanalyse"),
    path("service/suggestions/", views.usefulness, name="usefulness"),
]
