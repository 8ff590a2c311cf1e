from django.urls import path

from attune.moments import views

app_name = "moments"

urlpatterns = [
    path("films/<uuid:film_id>/", views.editor, name="editor"),
    path("renders/<uuid:render_id>/<str:fmt>", views.render_file, name="render_file"),
    path(
        "renders/<uuid:render_id>/<str:fmt>/download",
        views.render_download,
        name="render_download",
    ),
    path("catalogue/", views.catalogue, name="catalogue"),
]
