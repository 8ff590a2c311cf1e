from django.urls import path

from attune.reviews import views

app_name = "reviews"

urlpatterns = [
    path("cycles/<int:cycle_id>/", views.review, name="review"),
    path("cycles/<int:cycle_id>/present", views.present, name="present"),
    path("cycles/<int:cycle_id>/check", views.check, name="check"),
    path("cycles/<int:cycle_id>/guide", views.guide, name="guide"),
    path("cycles/<int:cycle_id>/prepare", views.prepare, name="prepare"),
    path(
        "cases/<str:reference>/questions/<int:question_id>/reword",
        views.reword,
        name="reword",
    ),
]
