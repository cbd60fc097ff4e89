from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("signup/", views.signup_view, name="signup"),
    path("verify/resend/", views.resend_verification_view, name="resend_verification"),
    path("verify/<str:token>/", views.verify_email_view, name="verify_email"),
    path("profile/", views.profile_view, name="profile"),
    path("profile/picture/", views.own_picture_view, name="own_picture"),
    path("password/", views.password_change_view, name="password_change"),
    path("password/reset/", views.password_reset_view, name="password_reset"),
    path("password/reset/sent/", views.password_reset_done_view, name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", views.password_reset_confirm_view, name="password_reset_confirm"),
    path("password/reset/complete/", views.password_reset_complete_view, name="password_reset_complete"),
    path("sessions/", views.sessions_view, name="sessions"),
    path("sessions/end-others/", views.end_other_sessions_view, name="end_other_sessions"),
    path("sessions/<str:code>/end/", views.end_session_view, name="end_session"),
]
