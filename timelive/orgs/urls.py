from django.urls import include, path

from . import views

app_name = "orgs"

# Pages of one organisation, under /o/<slug>/.
org_urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("getting-started/dismiss/", views.dismiss_getting_started, name="dismiss_getting_started"),
    path("team/", views.team, name="team"),
    path("team/invite/", views.invite, name="invite"),
    path("team/invitations/<str:code>/revoke/", views.revoke_invitation, name="revoke_invitation"),
    path("team/<str:code>/", views.member_profile, name="member"),
    path("team/<str:code>/picture/", views.member_picture, name="member_picture"),
    path("team/<str:code>/role/", views.change_role, name="change_role"),
    path("team/<str:code>/remove/", views.remove_member, name="remove_member"),
    path("team/<str:code>/restore/", views.restore_member, name="restore_member"),
    path("settings/", views.org_settings, name="settings"),
    path("audit/", views.audit_log, name="audit"),
    path("audit.csv", views.audit_log_csv, name="audit_csv"),
]

urlpatterns = [
    path("o/<slug:slug>/", include(org_urlpatterns)),
    path("orgs/new/", views.new_org, name="new_org"),
    path("setup/", views.setup, name="setup"),
    path("invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
