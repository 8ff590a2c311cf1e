from django.urls import path

from attune.films import views

app_name = "films"

urlpatterns = [
    path("<uuid:film_id>/", views.film_detail, name="detail"),
    path("<uuid:film_id>/status/", views.film_status, name="status"),
    path("<uuid:film_id>/media/<str:kind>", views.film_media, name="media"),
    path("<uuid:film_id>/retry/", views.film_retry, name="retry"),
    path("<uuid:film_id>/remove/", views.film_remove, name="remove"),
]
