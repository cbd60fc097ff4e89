from django.urls import path

from . import views

app_name = "integrations"

urlpatterns = [
    path("account/tokens/", views.tokens, name="tokens"),
    path("account/tokens/<str:code>/revoke/", views.revoke_token, name="revoke_token"),
]
