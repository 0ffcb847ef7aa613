"""The URLs of views that take no arguments, as reverse() gives them.

Every page's header, feed links and export links ask for the same few URLs,
and reverse() works each out afresh; so each is reversed once per URL
configuration and script prefix (both are part of the key).
"""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


def fixed_url(name: str) -> str:
    """reverse(name), remembered."""
    return _reversed(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@lru_cache(maxsize=256)
def _reversed(name: str, urlconf: str, prefix: str) -> str:
    return reverse(name, urlconf=urlconf)
