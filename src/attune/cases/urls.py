from django.urls import path

from attune.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("new/", views.case_create, name="create"),
    path("<str:reference>/", views.case_detail, name="detail"),
    path("<str:reference>/edit/", views.case_edit, name="edit"),
    path("<str:reference>/adults/add/", views.adult_add, name="adult_add"),
    path("<str:reference>/meeting/", views.initial_meeting, name="meeting"),
    path("<str:reference>/questions/add/", views.helping_question_add, name="question_add"),
    path(
        "<str:reference>/questions/<int:question_id>/remove/",
        views.helping_question_remove,
        name="question_remove",
    ),
    path("<str:reference>/cycles/add/", views.cycle_add, name="cycle_add"),
    path("<str:reference>/cycles/<int:number>/", views.cycle_detail, name="cycle"),
    path("<str:reference>/state/<str:state>/", views.case_transition, name="transition"),
]
