import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .devices import describe_device


@receiver(user_logged_in)
def remember_login(sender, request, user, **kwargs):
    # login() has already given the session a new key (ASVS 7.2.4).
    now = time.time()
    request.session["login_at"] = now
    request.session["last_seen"] = now
    request.session["device"] = describe_device(request.headers.get("User-Agent", ""))
