import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_POST

from timelive.integrations.actions import do_revoke_all_tokens, revoked_tokens_message
from timelive.lib.ip import client_ip
from timelive.lib.redirects import safe_next as lib_safe_next

from .actions import (
    do_change_email,
    do_sign_up,
    do_verify_email,
    end_other_sessions,
    send_verification_email,
    user_from_verification_token,
)
from .backends import EmailBackend
from .forms import (
    EMAIL_TAKEN,
    EMAIL_TAKEN_BY_OTHER,
    ChangeEmailForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    ProfileForm,
    SignUpForm,
    email_taken,
)
from .models import User, UserSession
from .throttle import LOCKED_HINT, allow_mail, login_blocked, login_failed, login_succeeded

REMEMBER_SALT = "timelive.remember-email"
# One message for every failure, so it does not tell which emails exist.
LOGIN_FAILED = "That email and password do not match an active account."


def remembered_email(request) -> str:
    """The email from the remember-my-email cookie, or "" if absent, expired or tampered with."""
    value = request.get_signed_cookie(
        settings.REMEMBER_EMAIL_COOKIE, default="", salt=REMEMBER_SALT, max_age=settings.REMEMBER_EMAIL_MAX_AGE
    )
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value


def set_remember_cookie(response, email):
    response.set_signed_cookie(
        settings.REMEMBER_EMAIL_COOKIE, email, salt=REMEMBER_SALT,
        max_age=settings.REMEMBER_EMAIL_MAX_AGE, secure=settings.HTTPS, httponly=True, samesite="Lax", path="/",
    )


def forget_remember_cookie(response):
    response.delete_cookie(settings.REMEMBER_EMAIL_COOKIE, path="/", samesite="Lax")


def safe_next(request, default="home"):
    return lib_safe_next(request, reverse(default))


def login_view(request):
    if request.user.is_authenticated:
        return redirect(safe_next(request))
    if request.method == "POST":
        form = LoginForm(request.POST)
        if form.is_valid():
            ip, email = client_ip(request), form.cleaned_data["email"]
            if login_blocked(ip, email):
                # Refused without checking the password, in the words of a wrong password (and a hint),
                # the same whether the email has an account or not.
                form.add_error(None, f"{LOGIN_FAILED} {LOCKED_HINT}")
            else:
                user = EmailBackend().authenticate(request, email=email, password=form.cleaned_data["password"])
                if user is not None:
                    login_succeeded(ip, email)
                    login(request, user, backend="timelive.accounts.backends.EmailBackend")
                    response = redirect(safe_next(request))
                    if form.cleaned_data["remember_email"]:
                        set_remember_cookie(response, user.email)
                    elif settings.REMEMBER_EMAIL_COOKIE in request.COOKIES:
                        # Unticking the box forgets the address on this device (even a cookie we cannot read).
                        forget_remember_cookie(response)
                    return response
                locked = login_failed(ip, email)
                form.add_error(None, f"{LOGIN_FAILED} {LOCKED_HINT}" if locked else LOGIN_FAILED)
    else:
        cookie_email = remembered_email(request)
        form = LoginForm(initial={"email": cookie_email, "remember_email": True} if cookie_email else None)
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", ""),
                                                    "signup_open": settings.TIMELIVE_EDITION == "cloud"})


@require_POST
def logout_view(request):
    logout(request)
    response = redirect("accounts:login")
    if request.POST.get("forget_me"):
        forget_remember_cookie(response)
    return response


def signup_view(request):
    if settings.TIMELIVE_EDITION != "cloud":
        raise Http404("Sign-up is off: join by invitation.")
    if request.user.is_authenticated:
        return redirect("home")
    if request.method == "POST":
        form = SignUpForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                user, org = do_sign_up(full_name=data["full_name"], email=data["email"], password=data["password"],
                                       org_name=data["org_name"], time_zone=data["time_zone"])
            except IntegrityError:
                # Someone signed up with this email between the form check and the insert.
                if not email_taken(data["email"]):
                    raise
                form.add_error("email", EMAIL_TAKEN)
            else:
                login(request, user, backend="timelive.accounts.backends.EmailBackend")
                messages.success(request, f"Welcome to TimeLive! We sent a link to {user.email} to confirm your address.")
                return redirect("orgs:dashboard", slug=org.slug)
    else:
        form = SignUpForm()
    return render(request, "accounts/signup.html", {"form": form, "trial_days": settings.TIMELIVE_TRIAL_DAYS})


def verify_email_view(request, token):
    user = user_from_verification_token(token)
    if user is None:
        return render(request, "accounts/verify_email.html", {"invalid": True}, status=400)
    if request.method == "POST":
        do_verify_email(user)
        messages.success(request, "Thank you, your email address is confirmed.")
        return redirect("home" if request.user.is_authenticated else "accounts:login")
    return render(request, "accounts/verify_email.html", {"verify_user": user})


@login_required
@require_POST
def resend_verification_view(request):
    if request.user.is_email_verified:
        messages.info(request, "Your email address is already confirmed.")
    else:
        # Over the limit nothing is sent, with the same message (as for password resets).
        if allow_mail("verify", client_ip(request), request.user.email):
            send_verification_email(request.user)
        messages.success(request, f"We sent a new confirmation link to {request.user.email}.")
    return redirect(safe_next(request, "accounts:profile"))


@login_required
def profile_view(request):
    user = request.user
    form = ProfileForm(instance=user)
    email_form = ChangeEmailForm(user)
    if request.method == "POST" and "change_email" in request.POST:
        email_form = ChangeEmailForm(user, request.POST)
        if email_form.is_valid():
            try:
                do_change_email(user, email_form.cleaned_data["email"])
            except IntegrityError:
                # Taken by someone else between the form check and the update.
                user.refresh_from_db()
                if not email_taken(email_form.cleaned_data["email"], exclude=user):
                    raise
                email_form.add_error("email", EMAIL_TAKEN_BY_OTHER)
            else:
                messages.success(request, "Your email address is changed. Please confirm it with the link we sent.")
                return redirect("accounts:profile")
    elif request.method == "POST":
        # Edit a copy, so that a refused form leaves request.user (the menu, the picture) as stored.
        form = ProfileForm(request.POST, request.FILES, instance=User.objects.get(pk=user.pk))
        if form.is_valid():
            form.save()
            messages.success(request, "Your profile is saved.")
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form, "email_form": email_form})


@login_required
def own_picture_view(request):
    if not request.user.picture:
        raise Http404
    try:
        picture = request.user.picture.open("rb")
    except OSError:
        # The row names a file that storage no longer has.
        raise Http404
    response = FileResponse(picture, content_type="image/png")
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
def sessions_view(request):
    now = timezone.now()
    # Sessions past the idle or absolute timeout end at their next request; do not list them as active.
    sessions = request.user.sessions.filter(
        expire_date__gt=now,
        last_active__gt=now - dt.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT),
        created_at__gt=now - dt.timedelta(seconds=settings.SESSION_ABSOLUTE_TIMEOUT),
    ).order_by("-last_active")
    return render(request, "accounts/sessions.html",
                  {"sessions": sessions, "current_key": request.session.session_key})


@login_required
@require_POST
def end_session_view(request, code):
    session = UserSession.objects.filter(user=request.user, code=code).first()
    if session is None:
        raise Http404
    if session.session_key == request.session.session_key:
        logout(request)
        return redirect("accounts:login")
    session.delete()
    messages.success(request, f"The session on {session.device or 'that device'} has ended.")
    return redirect("accounts:sessions")


@login_required
@require_POST
def end_other_sessions_view(request):
    count = end_other_sessions(request.user, keep_session_key=request.session.session_key)
    messages.success(request, f"Ended {count} other session{pluralize(count)}.")
    return redirect("accounts:sessions")


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        # Django saves the password and gives this session a new key (update_session_auth_hash).
        response = super().form_valid(form)
        # Other sessions no longer pass the auth hash check; drop them from the list too.
        end_other_sessions(self.request.user, keep_session_key=self.request.session.session_key)
        messages.success(self.request, "Your password is changed. Your other sessions have been ended.")
        if form.cleaned_data.get("revoke_tokens"):
            revoked = do_revoke_all_tokens(self.request.user, acting_user=self.request.user,
                                           why="Your password was changed")
            if revoked:
                messages.info(self.request, revoked_tokens_message(revoked))
        return response


password_change_view = login_required(PasswordChangeView.as_view())


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        if not allow_mail("reset", client_ip(self.request), form.cleaned_data["email"]):
            # Refused quietly: the usual "check your email" page and no mail, so it tells nothing about the address.
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


password_reset_view = PasswordResetView.as_view()
password_reset_done_view = auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # A reset means the old password may be known to someone: end every session,
        # this browser's too when it is logged in as that person.
        if self.request.user.is_authenticated and self.request.user.pk == form.user.pk:
            logout(self.request)
        end_other_sessions(form.user)
        # ... and every API token, which whoever knew the old password could have minted.
        revoked = do_revoke_all_tokens(form.user, acting_user=form.user, why="Your password was reset")
        if revoked:
            messages.info(self.request, revoked_tokens_message(revoked))
        return response


password_reset_confirm_view = PasswordResetConfirmView.as_view()
password_reset_complete_view = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)




def operator_login_view(request):
    """The operator console logs in through the one login page, with its brute-force limits."""
    if request.user.is_authenticated and not request.user.is_staff:
        raise PermissionDenied("The operator console is for operators only.")
    query = request.GET.urlencode()
    return redirect(reverse("accounts:login") + (f"?{query}" if query else ""))
