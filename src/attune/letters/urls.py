from django.urls import path

from attune.letters import views

app_name = "letters"

urlpatterns = [
    path("letters/cases/<str:reference>/", views.letter, name="letter"),
    path("letters/cases/<str:reference>/print", views.print_letter, name="print"),
    path("letters/cases/<str:reference>/docx", views.docx, name="docx"),
    path("letters/cases/<str:reference>/stills.zip", views.stills_pack, name="stills_pack"),
    path("service/letter-template/", views.letter_template, name="template"),
]
