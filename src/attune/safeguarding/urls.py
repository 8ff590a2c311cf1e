from django.urls import path

from attune.safeguarding import views

app_name = "safeguarding"

# Append-only: pages to record and to add to a concern, none to edit or delete one.
urlpatterns = [
    path("cases/<str:reference>/concerns/new/", views.concern_create, name="create"),
    path("concerns/<uuid:concern_id>/", views.concern_detail, name="detail"),
    path("concerns/<uuid:concern_id>/amend/", views.amendment_create, name="amend"),
]
