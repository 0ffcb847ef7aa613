"""What crawlers read before the pages: /robots.txt, the sitemap index and
its sitemaps."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from ..metadata.common import absolute_url
from ..sitemaps import (
    LAST_BLOCK,
    Entry,
    PagesSitemap,
    RecordBlockSitemap,
    newest_change,
    record_blocks,
    sitemap_index_xml,
    urlset_xml,
)

# Query parameters of browse and search pages that only filter, facet or
# sort records every crawler reaches anyway through record pages and
# sitemaps: each combination would be another URL to crawl.
FILTER_PARAMETERS = (
    "sort",
    "q",
    "department",
    "subject",
    "keyword",
    "type",
    "author",
    "year_from",
    "year_to",
)


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        # Whole-result citation files: large, and the records are crawled one by one.
        "Disallow: /publications/export.",
        *(f"Disallow: /*?*{parameter}=" for parameter in FILTER_PARAMETERS),
        # Everything else is open: record pages, listings and their pages,
        # feeds and sitemaps. (No broad Allow line: under RFC 9309 the longest
        # match wins, so "Allow: /publications/" would reopen its sort orders.)
        "Allow: /feeds/",
        "Allow: /sitemaps/",
        "",
        f"Sitemap: {absolute_url(reverse('publications:sitemap_index'))}",
    ]
    return HttpResponse(
        "\n".join(lines) + "\n", content_type="text/plain; charset=utf-8"
    )


def _xml_response(body: str, entries: list[Entry]) -> HttpResponse:
    response = HttpResponse(body, content_type="application/xml; charset=utf-8")
    # Sitemaps are for crawlers to read, not for search results.
    response["X-Robots-Tag"] = "noindex"
    changes = [lastmod for _, lastmod in entries if lastmod]
    if changes:
        response["Last-Modified"] = http_date(max(changes).timestamp())
    return response


@require_safe
def sitemap_index(request: HttpRequest) -> HttpResponse:
    """The sitemap of the pages, then one sitemap per block of record ids,
    each with its newest change. One query, cached (sitemaps.record_blocks)."""
    entries = [(absolute_url(reverse("publications:sitemap_pages")), newest_change())]
    entries += [
        (
            absolute_url(reverse("publications:sitemap_records", args=[block])),
            lastmod,
        )
        for block, lastmod in record_blocks()
    ]
    return _xml_response(sitemap_index_xml(entries), entries)


@require_safe
def sitemap_pages(request: HttpRequest) -> HttpResponse:
    entries = PagesSitemap().entries()
    return _xml_response(urlset_xml(entries), entries)


@require_safe
def sitemap_records(request: HttpRequest, block: int) -> HttpResponse:
    """The published records of one block of ids: one range scan of the
    primary key."""
    if block > LAST_BLOCK:
        raise Http404("No such sitemap.")
    entries = RecordBlockSitemap(block).entries()
    if not entries:
        # Not in the index: no published record has an id in this block.
        raise Http404("No such sitemap.")
    return _xml_response(urlset_xml(entries), entries)
