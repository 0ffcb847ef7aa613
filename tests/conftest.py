from pathlib import Path

import pytest
from django.core.cache import cache

SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


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
