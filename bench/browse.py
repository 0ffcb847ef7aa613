"""Server time of the browse pages on a PostgreSQL database of N demo records.

    python bench/browse.py --count 10000 [--database-url URL] [--requests 50]

Uses (and builds the same way when absent) the database bench_<N> of
bench/pages.py, fills the search index when it is not complete (browse pages
list records through it), then times every kind of browse page in process
with django.test.Client: the department and subject trees, one department,
subject, year, type, keyword and author, the years, the author index (A and
?letter=S, its first and last page) and a deep page of the biggest listing.
After one untimed pass over them all, for each: the first request after
the cached summaries are dropped (as after any write), then the
median and p95 of `--requests` requests after a warm-up, the SQL queries of
one request and the statuses. Prints a table and writes the figures as JSON
to bench/results/. See bench/README.md.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402 - after the path is set
    arguments_parser,
    database_ready,
    run_facts,
    write_results,
)

BUDGET_MS = 50  # median server time of every browse page at 10^6


def arguments() -> argparse.Namespace:
    parser = arguments_parser(__doc__)
    parser.add_argument("--requests", type=int, default=50, help="timed per page")
    parser.add_argument("--warmup", type=int, default=3, help="untimed per page")
    return parser.parse_args()


def percentile_95(timings: list[float]) -> float:
    ordered = sorted(timings)
    return ordered[max(0, int(len(ordered) * 0.95 + 0.5) - 1)]


def _largest(facet: str, model) -> str:
    """The slug of the value with the most records (from the collection's
    facet counts, as the trees show them)."""
    from publications.search import SearchFilters, get_backend
    from publications.search.base import NEWEST

    pairs = get_backend().search("", SearchFilters(), NEWEST, 1, 1).facets[facet]
    pk = max(pairs, key=lambda pair: pair[1])[0]
    return model.objects.get(pk=pk).slug


def pages_to_time() -> dict[str, str]:
    """One URL per browse page kind, chosen from the data: the biggest
    department, subject, type and keyword, 2015, the most prolific author."""
    from django.db import connection

    from publications import stats
    from publications.models import Department, DocumentType, Keyword, Subject
    from publications.views.browse import AUTHORS_PER_PAGE

    years = [year for year, _ in stats.published_year_counts()]
    # 2015 where there is one (the year measured before), else a middle one.
    year = 2015 if 2015 in years or not years else years[len(years) // 2]
    document_type = _largest("type", DocumentType)
    with connection.cursor() as cursor:
        # A prolific author: the top of the author index's counts.
        cursor.execute(
            "SELECT p.slug FROM publications_search_author c "
            "JOIN publications_person p ON p.id = c.person_id "
            "ORDER BY c.records DESC, c.person_id LIMIT 1"
        )
        author = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM publications_search_author WHERE initial = 'S'"
        )
        s_pages = max(1, -(-cursor.fetchone()[0] // AUTHORS_PER_PAGE))
    return {
        "departments /departments/": "/departments/",
        "a department (largest)": f"/departments/{_largest('department', Department)}/",
        "subjects /subjects/": "/subjects/",
        "a subject (largest)": f"/subjects/{_largest('subject', Subject)}/",
        "years /years/": "/years/",
        f"a year /years/{year}/": f"/years/{year}/",
        f"a type /types/{document_type}/": f"/types/{document_type}/",
        "a keyword (most used)": f"/keywords/{_largest('keyword', Keyword)}/",
        "authors /authors/": "/authors/",
        "authors ?letter=S": "/authors/?letter=S",
        f"authors ?letter=S&page={s_pages}": f"/authors/?letter=S&page={s_pages}",
        "an author (most records)": f"/authors/{author}/",
        "a type, page 40 (deepest)": f"/types/{document_type}/?page=40",
    }


def time_page(client, url: str, requests: int, warmup: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from publications import stats

    # As after any write: cached counts are dropped, this request recounts.
    stats.invalidate()
    started = time.perf_counter()
    first = client.get(url)
    first_ms = (time.perf_counter() - started) * 1000
    for _ in range(warmup):
        client.get(url)
    timings, statuses = [], {first.status_code}
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        statuses.add(response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return {
        "url": url,
        "first_ms": round(first_ms, 1),
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile_95(timings), 1),
        "requests": requests,
        "statuses": sorted(statuses),
        "queries": len(queries),
    }


def main() -> None:
    args = arguments()
    from bench.search import index_fill

    _, seed_seconds = database_ready(args)
    from django.db import connection
    from django.test import Client

    index_seconds = index_fill(rebuild=False)
    # A page that fails counts as a 500 here rather than stopping the run.
    client = Client(raise_request_exception=False)
    pages = pages_to_time()
    for page_url in pages.values():  # templates compiled, connection open
        client.get(page_url)
    results = {
        name: time_page(client, page_url, args.requests, args.warmup)
        for name, page_url in pages.items()
    }

    print(f"\n{args.count:,} demo records, browse pages ({connection.vendor})")
    header = (
        f"{'page':34} {'first ms':>9} {'median ms':>10} {'p95 ms':>8} "
        f"{'queries':>8} {'status':>7}"
    )
    print(header + "\n" + "-" * len(header))
    for name, figures in results.items():
        flags = []
        if figures["median_ms"] > BUDGET_MS:
            flags.append(f"median over {BUDGET_MS} ms")
        if figures["statuses"] != [200]:
            flags.append("failed")
        statuses = ",".join(map(str, figures["statuses"]))
        print(
            f"{name[:34]:34} {figures['first_ms']:>9.1f} {figures['median_ms']:>10.1f} "
            f"{figures['p95_ms']:>8.1f} {figures['queries']:>8} {statuses:>7}  "
            + "; ".join(flags)
        )

    write_results(
        f"browse-{args.count}",
        {
            "count": args.count,
            **run_facts(),
            "requests": args.requests,
            "seed_demo_seconds": round(seed_seconds, 1) if seed_seconds else None,
            "rebuild_seconds": round(index_seconds, 1) if index_seconds else None,
            "pages": results,
        },
    )


if __name__ == "__main__":
    main()
