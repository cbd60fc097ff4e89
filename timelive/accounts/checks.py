from django.conf import settings
from django.core.checks import Tags, Warning, register

# Caches that each process keeps to itself: login and mail limits would count per worker.
PER_PROCESS_CACHES = ("django.core.cache.backends.locmem.LocMemCache", "django.core.cache.backends.dummy.DummyCache")


@register(Tags.security, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if getattr(settings, "HTTPS", False) and backend in PER_PROCESS_CACHES:
        return [Warning(
            "The default cache is kept per process: with several web workers, login and mail limits count "
            "separately in each (8 wrong passwords may pass without a lockout).",
            hint="Unset CACHES overrides to use the shared file cache in var/cache, or set TIMELIVE_CACHE_URL "
                 "to a Redis shared by every web worker.",
            id="timelive.W001",
        )]
    return []
