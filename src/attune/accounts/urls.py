from django.urls import path

from attune.accounts import views

app_name = "accounts"

urlpatterns = [
    path("service/people/", views.people, name="people"),
    path("service/supervision/add/", views.supervision_link_add, name="supervision_add"),
    path(
        "service/supervision/<int:link_id>/end/",
        views.supervision_link_end,
        name="supervision_end",
    ),
    path("invitations/<str:secret>/", views.invitation_accept, name="invitation_accept"),
    path("me/tokens/", views.tokens, name="tokens"),
    path("me/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
