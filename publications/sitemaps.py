"""Sitemaps (https://www.sitemaps.org/protocol.html) that scale to millions of
records.

The records are cut into blocks of ids, RECORDS_PER_SITEMAP each: sitemap n
lists the published records with n * RECORDS_PER_SITEMAP <= id <
(n + 1) * RECORDS_PER_SITEMAP, one range scan of the primary key (never an
OFFSET), so every file costs the same whatever its place. The index lists the
blocks that hold published records, each with its newest change; that one
grouping query over the collection is cached until the service layer next
changes a record (`stats.invalidate`).

The XML is written as strings, not through the template engine: a block's
10,000 URLs render in milliseconds rather than seconds.
"""

from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.cache import cache
from django.db.models import F, Max
from django.urls import reverse

from . import stats
from .models import Publication

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
# Far under the protocol's 50,000 URLs and 50 MB per file (an entry is about
# 90 bytes), and small enough to render quickly.
RECORDS_PER_SITEMAP = 10_000
# Blocks past the largest 64-bit id hold nothing (and would overflow a query).
LAST_BLOCK = (2**63 - 1) // RECORDS_PER_SITEMAP
CACHE_TIMEOUT = 60 * 60

Entry = tuple[str, datetime | None]  # a URL and its last change


class SiteSitemap(Sitemap):
    """URLs under the deployment's BASE_URL, whatever host the request named."""

    def get_protocol(self, protocol=None) -> str:
        return urlsplit(settings.REPOSITORY["BASE_URL"]).scheme or "https"

    def get_domain(self, site=None) -> str:
        # The host and any path prefix: Sitemap puts the location after it.
        base = urlsplit(settings.REPOSITORY["BASE_URL"])
        return f"{base.netloc}{base.path.rstrip('/')}"

    def entries(self) -> list[Entry]:
        return [(url["location"], url["lastmod"]) for url in self.get_urls()]


def record_blocks() -> list[tuple[int, datetime]]:
    """[(block number, newest updated_at in it)] of blocks with published
    records, in order. Cached per generation of the collection's counts."""
    key = f"publications:sitemaps:{stats._generation()}:blocks"
    blocks = cache.get(key)
    if blocks is None:
        blocks = list(
            Publication.objects.published()
            .order_by()
            .annotate(block=F("id") / RECORDS_PER_SITEMAP)
            .values("block")
            .annotate(lastmod=Max("updated_at"))
            .order_by("block")
            .values_list("block", "lastmod")
        )
        cache.set(key, blocks, CACHE_TIMEOUT)
    return blocks


def newest_change() -> datetime | None:
    return max((lastmod for _, lastmod in record_blocks()), default=None)


class PagesSitemap(SiteSitemap):
    """The pages that lead to records: home and the faculty-publications listing."""

    def items(self) -> list[str]:
        return ["publications:home", "publications:listing"]

    def location(self, item: str) -> str:
        return reverse(item)

    def lastmod(self, item: str) -> datetime | None:
        # Both pages change whenever a record does.
        return newest_change()


class RecordBlockSitemap(SiteSitemap):
    """The published records of one block of ids, with their last change."""

    limit = RECORDS_PER_SITEMAP

    def __init__(self, block: int):
        self.block = block
        # One reverse() for the block rather than one per record.
        marker = 9876543210
        self.path = reverse("publications:record", args=[marker]).replace(
            str(marker), "{}"
        )

    def items(self):
        start = self.block * RECORDS_PER_SITEMAP
        return (
            Publication.objects.published()
            .filter(pk__gte=start, pk__lt=start + RECORDS_PER_SITEMAP)
            .order_by("pk")
            .values_list("pk", "updated_at")
        )

    def location(self, item: tuple[int, datetime]) -> str:
        return self.path.format(item[0])

    def lastmod(self, item: tuple[int, datetime]) -> datetime:
        return item[1]

    def get_urls(self, page=1, site=None, protocol=None) -> list[dict]:
        # A block fits one file by construction: no paginator, so no COUNT.
        base = f"{self.get_protocol(protocol)}://{self.get_domain(site)}"
        return [
            {"location": f"{base}{self.location(item)}", "lastmod": self.lastmod(item)}
            for item in self.items()
        ]


def w3c_datetime(value: datetime) -> str:
    """'2024-05-06T07:08:09+00:00': the W3C Datetime form sitemaps use."""
    return value.astimezone(UTC).isoformat(timespec="seconds")


def _xml(root: str, element: str, entries: Iterable[Entry]) -> str:
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<{root} xmlns="{SITEMAP_NS}">\n',
    ]
    for location, lastmod in entries:
        lastmod_element = (
            f"<lastmod>{w3c_datetime(lastmod)}</lastmod>" if lastmod else ""
        )
        parts.append(
            f"<{element}><loc>{escape(location)}</loc>{lastmod_element}</{element}>\n"
        )
    parts.append(f"</{root}>\n")
    return "".join(parts)


def urlset_xml(entries: Iterable[Entry]) -> str:
    return _xml("urlset", "url", entries)


def sitemap_index_xml(entries: Iterable[Entry]) -> str:
    return _xml("sitemapindex", "sitemap", entries)
