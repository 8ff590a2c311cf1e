from django.urls import URLPattern

app_name = "safeguarding"

urlpatterns: list[URLPattern] = []
