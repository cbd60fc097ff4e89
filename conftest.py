import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    # Each test writes uploads to its own folder.
    settings.MEDIA_ROOT = tmp_path / "media"
    # ... and keeps its own erasure log.
    settings.TIMELIVE_ERASURE_LOG = tmp_path / "erasures.log"


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Brute-force counters (accounts/throttle.py) live in the cache: none may carry over between tests.
    from django.core.cache import cache

    cache.clear()
