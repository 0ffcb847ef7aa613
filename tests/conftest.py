import os
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache

SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached counts must not leak from one test into the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded import files go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def shared_data():
    """The public data files beside the project; tests skip where absent."""

    def path(name: str) -> Path:
        file = SHARED_DATA / name
        if not file.exists():
            pytest.skip(f"{name} is not in ../shared/data (public test data absent)")
        return file

    return path


@pytest.fixture
def redis_cache(settings):
    """The cache in the Redis server at REDIS_URL, as production has it, under
    a key prefix of the test's own (returned), whose keys go afterwards."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip(f"No Redis server answers at {REDIS_URL}.")
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    yield prefix
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()
