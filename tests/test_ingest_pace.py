"""The pace of requests to NCBI, kept across every thread and process that
shares the cache: curators looking records up at once never send NCBI more
than its three requests a second. Lookups go to a local server playing
E-utilities (tests/test_ingest_fetchers.py), which notes when each request
arrives; across processes, through the Redis server at REDIS_URL (default
redis://127.0.0.1:6379/0)."""

import itertools
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from publications.ingest.fetchers import fetch_records
from tests.conftest import REDIS_URL
from tests.test_ingest_fetchers import Reply, fast_http, local_service

__all__ = ["fast_http", "local_service"]  # fixtures used here

FIXTURES = Path(__file__).parent / "fixtures" / "ingest_sources"
ROOT = Path(__file__).resolve().parent.parent
INTERVAL = 0.34  # seconds between requests to NCBI without an API key
# Two requests can arrive a little closer than they were sent: the first
# may leave a few milliseconds after its slot begins.
JITTER = 0.05


@pytest.fixture
def ncbi(fast_http):
    fast_http.route(
        "/eutils/efetch.fcgi",
        Reply(body=(FIXTURES / "efetch_one_article.xml").read_bytes()),
    )
    return fast_http


def arrivals(service) -> list[float]:
    return sorted(request.at for request in service.seen("/eutils/efetch.fcgi"))


def gaps(times: list[float]) -> list[float]:
    return [later - earlier for earlier, later in itertools.pairwise(times)]


def look_up_at_once(curators: int, lookups: int) -> None:
    def curator():
        for _ in range(lookups):
            list(fetch_records(["23573877"]))

    threads = [threading.Thread(target=curator) for _ in range(curators)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_curators_looking_up_at_once_in_one_process_keep_the_pace(ncbi):
    look_up_at_once(curators=3, lookups=2)

    times = arrivals(ncbi)
    assert len(times) == 6
    assert min(gaps(times)) >= INTERVAL - JITTER


def test_processes_sharing_redis_keep_the_pace_together(ncbi, settings, redis_cache):
    prefix = redis_cache
    # Another process, as a second server worker would be: same Redis,
    # same prefix, two lookups of its own.
    script = textwrap.dedent(
        f"""
        import django
        from django.conf import settings
        django.setup()
        settings.CACHES["default"]["KEY_PREFIX"] = {prefix!r}
        from publications.ingest.fetchers import fetch_records
        print("ready", flush=True)
        input()
        for _ in range(2):
            list(fetch_records(["23573877"]))
        """
    )
    other = subprocess.Popen(  # noqa: S603 - this interpreter, our own script
        [sys.executable, "-c", script],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "repository.settings",
            "REDIS_URL": REDIS_URL,
            "NCBI_EUTILS_URL": settings.NCBI_EUTILS_URL,
            "NCBI_API_KEY": "",
        },
    )
    try:
        # Both begin together, once the other process is ready.
        assert other.stdout.readline() == "ready\n"
        other.stdin.write("go\n")
        other.stdin.flush()
        look_up_at_once(curators=1, lookups=4)
    finally:
        assert other.wait(timeout=60) == 0

    times = arrivals(ncbi)
    assert len(times) == 6
    assert min(gaps(times)) >= INTERVAL - JITTER
