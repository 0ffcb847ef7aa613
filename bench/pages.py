"""Server time of the reader pages on a PostgreSQL database of N demo records.

    python bench/pages.py --count 10000 [--database-url URL] [--requests 50]

Builds the database on first use (bench_<N> on 127.0.0.1:5432: create, migrate,
seed_demo), reuses it when it already holds N demo records, then times each
page in process with django.test.Client after a warm-up: the home page, the
listing's first, middle and last pages and record pages of random published
records. Prints median and p95 per page and writes the figures as JSON to
bench/results/. See bench/README.md.
"""

import argparse
import random
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

BUDGET_MS = 30  # median server time for the record and listing pages at 10^6


def arguments() -> argparse.Namespace:
    parser = arguments_parser(__doc__)
    parser.add_argument("--requests", type=int, default=50, help="timed per page")
    parser.add_argument("--warmup", type=int, default=5, help="untimed per page")
    return parser.parse_args()


def pages_to_time(per_page: int, requests: int) -> dict[str, list[str]]:
    from django.db.models import Max, Min

    from publications import stats
    from publications.models import Publication

    last = max(1, -(-stats.published_count() // per_page))
    published = Publication.objects.published()
    bounds = published.aggregate(low=Min("pk"), high=Max("pk"))
    rng = random.Random(0)  # noqa: S311 - sampling, not secrets
    ids: list[int] = []
    while len(ids) < requests:
        candidates = [rng.randint(bounds["low"], bounds["high"]) for _ in range(200)]
        found = set(published.filter(pk__in=candidates).values_list("pk", flat=True))
        ids += [pk for pk in candidates if pk in found][: requests - len(ids)]
    return {
        "home /": ["/"],
        "listing page 1": ["/publications/"],
        f"listing page {(last + 1) // 2} (middle)": [
            f"/publications/?page={(last + 1) // 2}"
        ],
        f"listing page {last} (last)": [f"/publications/?page={last}"],
        "record /publications/<id>/": [f"/publications/{pk}/" for pk in ids],
    }


def time_page(client, urls: list[str], requests: int, warmup: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(warmup):
        client.get(urls[i % len(urls)])
    timings, statuses, sizes = [], set(), []
    for i in range(requests):
        started = time.perf_counter()
        response = client.get(urls[i % len(urls)])
        timings.append((time.perf_counter() - started) * 1000)
        statuses.add(response.status_code)
        sizes.append(len(response.content))
    with CaptureQueriesContext(connection) as queries:
        client.get(urls[0])
    timings.sort()
    return {
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 2),
        "min_ms": round(timings[0], 2),
        "max_ms": round(timings[-1], 2),
        "requests": requests,
        "statuses": sorted(statuses),
        "bytes": int(statistics.median(sizes)),
        "queries": len(queries),
    }


def placeholder_note(client) -> str | None:
    """The listing should show the newest record; say so where it does not."""
    from publications.models import Publication

    newest = Publication.objects.published().newest_first().first()
    body = client.get("/publications/").content.decode()
    if newest and newest.title not in body:
        return "The listing does not show the newest record's title: a placeholder?"
    return None


def main() -> None:
    args = arguments()
    _, seed_seconds = database_ready(args)
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    # A page that fails counts as a 500 here rather than stopping the run.
    client = Client(raise_request_exception=False)
    per_page = settings.PUBLICATIONS_PER_PAGE
    results = {}
    for name, urls in pages_to_time(per_page, args.requests).items():
        results[name] = time_page(client, urls, args.requests, args.warmup)
    note = placeholder_note(client)

    print(f"\n{args.count:,} demo records, {connection.vendor}, {per_page} per page")
    header = f"{'page':36} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'status':>8}"
    print(header + "\n" + "-" * len(header))
    for name, figures in results.items():
        flag = ""
        if not name.startswith("home") and figures["median_ms"] > BUDGET_MS:
            flag = f"  over the {BUDGET_MS} ms budget"
        statuses = ",".join(map(str, figures["statuses"]))
        print(
            f"{name:36} {figures['median_ms']:>10.1f} {figures['p95_ms']:>8.1f} "
            f"{figures['queries']:>8} {statuses:>8}{flag}"
        )
    if note:
        print(f"\nNote: {note}")

    write_results(
        f"pages-{args.count}",
        {
            "count": args.count,
            **run_facts(),
            "per_page": per_page,
            "seed_demo_seconds": round(seed_seconds, 1) if seed_seconds else None,
            "note": note,
            "pages": results,
        },
    )


if __name__ == "__main__":
    main()
