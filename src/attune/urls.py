from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from attune.api import api
from attune.core.views import healthz

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="cases:caseload", permanent=False), name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("cases/", include("attune.cases.urls")),
    path("films/", include("attune.films.urls")),
    path("consent/", include("attune.consent.urls")),
    path("consent/", include("attune.retention.urls")),
    path("safeguarding/", include("attune.safeguarding.urls")),
    path("", include("attune.analysis.urls")),
    path("moments/", include("attune.moments.urls")),
    path("reviews/", include("attune.reviews.urls")),
    path("", include("attune.letters.urls")),
    path("service/audit/", include("attune.audit.urls")),
    path("", include("attune.accounts.urls")),
    path("", include("attune.supervision.urls")),
    path("", include("attune.administration.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
