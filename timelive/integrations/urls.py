from django.urls import path

from . import views

app_name = "integrations"

urlpatterns = [
    path("account/tokens/", views.tokens, name="tokens"),
    path("account/tokens/<str:code>/revoke/", views.revoke_token, name="revoke_token"),
    path("account/calendar/", views.calendar_feed, name="calendar_feed"),
    path("feeds/<str:secret>.ics", views.feed, name="feed"),
    # The services an organisation connected (administrators); members see them on /o/<slug>/subprocessors/.
    path("o/<slug:slug>/integrations/", views.installed_integrations, name="installed"),
    path("o/<slug:slug>/integrations/<str:code>/remove/", views.remove_integration, name="remove_integration"),
    path("o/<slug:slug>/webhooks/", views.webhooks, name="webhooks"),
    path("o/<slug:slug>/webhooks/<str:code>/", views.webhook, name="webhook"),
    path("o/<slug:slug>/webhooks/<str:code>/toggle/", views.toggle_webhook, name="toggle_webhook"),
    path("o/<slug:slug>/webhooks/<str:code>/test/", views.test_webhook, name="test_webhook"),
    path("o/<slug:slug>/webhooks/<str:code>/delete/", views.delete_webhook, name="delete_webhook"),
]
