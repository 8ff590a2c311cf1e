from django.urls import path

from attune.consent import views

app_name = "consent"

urlpatterns = [
    path(
        "cases/<str:reference>/adults/<int:adult_id>/sign/",
        views.consent_capture,
        name="capture",
    ),
    path("cases/<str:reference>/adults/<int:adult_id>/print/", views.consent_print, name="print"),
    path("records/<uuid:record_id>/", views.record_detail, name="record"),
    path("records/<uuid:record_id>/document", views.record_document, name="document"),
    path("records/<uuid:record_id>/withdraw/", views.consent_withdraw, name="withdraw"),
    path("forms/", views.consent_forms, name="forms"),
    path("deletions/", views.deletion_queue, name="deletions"),
]
