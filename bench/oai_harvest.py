"""A full OAI-PMH ListRecords harvest of a PostgreSQL database of N demo records.

    python bench/oai_harvest.py --count 10000 [--prefix oai_dc] [--repeat 5]
                                [--page-size N] [--max-pages N] [--database-url URL]

Uses the database bench_<N> on 127.0.0.1:5432 that bench/pages.py builds (create,
migrate, seed_demo --count N --seed S), building it the same way when it does not
exist; one that already holds the N demo records is used as it is, without
migrating it. Then, in process with django.test.Client and production settings
(bench/settings.py, DEBUG off), it harvests every record, following resumption
tokens to the end, and reports records per second (wall clock and per second of
the process's CPU), the page times through the harvest, the time of the first,
a middle and the last page (median of --repeat re-requests of each), and how
much the process's resident memory grew. Targets at 10^6 records: >= 2,000
records/s, last page within 1.5x the first, memory flat.
"""

import argparse
import os
import re
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402 - after the path is set
    arguments_parser,
    database_create,
    database_fill,
    database_url,
    django_setup,
    run_facts,
    write_results,
)

TOKEN = re.compile(rb"<resumptionToken[^>]*>([^<]*)</resumptionToken>")


def arguments() -> argparse.Namespace:
    parser = arguments_parser(__doc__)
    parser.add_argument("--prefix", default="oai_dc", help="metadataPrefix")
    parser.add_argument(
        "--page-size",
        type=int,
        help="records a page (default: the provider's OAI_LIST_RECORDS_PAGE_SIZE)",
    )
    parser.add_argument("--repeat", type=int, default=5, help="re-requests per page")
    parser.add_argument(
        "--max-pages",
        type=int,
        help="stop the harvest after this many pages (the middle and last pages "
        "are then reached with tokens made for their positions)",
    )
    return parser.parse_args()


def rss_kib() -> int:
    """Resident memory now (not the peak), from /proc."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") // 1024


def peak_rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def next_token(content: bytes) -> str | None:
    match = TOKEN.search(content)
    return match.group(1).decode() if match and match.group(1) else None


def harvest(client, prefix: str, max_pages: int | None, middle: int) -> dict:
    """Every page, in order: its time, records, and memory after it; and the
    tokens that reach the second page, page `middle` and the last page (kept
    alone, so the harvest's own bookkeeping stays small)."""
    query = {"verb": "ListRecords", "metadataPrefix": prefix}
    pages, tokens, records = [], {}, 0
    started, cpu_started = time.perf_counter(), time.process_time()
    while True:
        page_started = time.perf_counter()
        response = client.get("/oai", query)
        elapsed = time.perf_counter() - page_started
        assert response.status_code == 200, response.status_code
        content = response.content
        if b"<error" in content:
            sys.exit(f"The harvest stopped with an OAI-PMH error: {content[:500]!r}")
        found = content.count(b"<record>")
        records += found
        pages.append({"seconds": elapsed, "records": found, "rss_kib": rss_kib()})
        token = next_token(content)
        if token is None or len(pages) == max_pages:
            break
        if len(pages) in (1, middle):
            tokens[len(pages)] = token
        tokens["last"] = token
        query = {"verb": "ListRecords", "resumptionToken": token}
        if len(pages) % 500 == 0:
            print(f"  {records:,} records, {len(pages):,} pages")
    return {
        "seconds": time.perf_counter() - started,
        # This process's CPU alone (Django, XML): on a shared machine the wall
        # clock also counts waiting for a core.
        "cpu_seconds": time.process_time() - cpu_started,
        "records": records,
        "pages": pages,
        "tokens": tokens,
    }


def token_at(prefix: str, offset: int, total: int) -> str:
    """A resumption token continuing after the first `offset` records, as the
    harvest would have issued on reaching them."""
    from publications.oai import records, tokens

    updated_at, pk = (
        records.in_harvest_order(records.harvestable()).values_list("updated_at", "id")
    )[offset - 1]
    position = tokens.ListPosition(
        verb="ListRecords",
        cursor=offset,
        size=total,
        metadata_prefix=prefix,
        after_updated=updated_at.isoformat(),
        after_id=pk,
    )
    return tokens.issue(position)[0]


def median_page_time(client, prefix: str, token: str | None, repeat: int) -> float:
    query = (
        {"verb": "ListRecords", "resumptionToken": token}
        if token
        else {"verb": "ListRecords", "metadataPrefix": prefix}
    )
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get("/oai", query)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def last_page_plan(token: str | None) -> str:
    """EXPLAIN ANALYZE of the last page's main query, as the provider makes it."""
    from publications.oai import records, tokens, verbs

    if token is None:
        return "(one page: no resumption)"
    position = tokens.read(token, "ListRecords")
    page = records.after(
        records.harvestable(), position.after_updated_at, position.after_id
    )
    page = records.as_rows(records.in_harvest_order(page), metadata=True)
    size = verbs.page_size("ListRecords")
    return page[: size + 1].explain(analyze=True)


def database_prepare(count: int, seed: int) -> None:
    """Reuse a database that holds the N demo records as it is; build one
    (migrate, seed_demo) otherwise. A reused one is not migrated: at 10^6
    records a migration that rewrites the table is a job of its own, and the
    database may be in use by another benchmark."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from publications.models import Publication

    if "publications_publication" in connection.introspection.table_names():
        demo = Publication.objects.filter(doi__startswith="10.5555/demo.")
        if demo.count() == count:
            print(f"Reusing the database as it is: it holds {count:,} demo records.")
            executor = MigrationExecutor(connection)
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
            if plan:
                names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in plan)
                print(f"  (not applied here: {names})")
            return
    database_fill(count, seed)


def by_tenth(pages: list[dict]) -> dict[str, list]:
    """Through the harvest, tenth by tenth: the median page time (ms) and
    the most resident memory (MiB) after any of its pages."""
    tenths = min(10, len(pages))
    bounds = [len(pages) * tenth // tenths for tenth in range(tenths + 1)]
    spans = [pages[start:end] for start, end in zip(bounds, bounds[1:], strict=False)]
    return {
        "page_ms": [
            round(statistics.median(p["seconds"] for p in span) * 1000, 1)
            for span in spans
        ],
        "rss_mib": [round(max(p["rss_kib"] for p in span) / 1024, 1) for span in spans],
    }


def main() -> None:
    options = arguments()
    url = database_url(options.count, options.database_url)
    database_create(url)
    django_setup(url)
    from django.conf import settings
    from django.test import Client

    from publications.oai import records, verbs

    database_prepare(options.count, options.seed)
    if options.page_size is not None:
        settings.OAI_LIST_RECORDS_PAGE_SIZE = options.page_size
    size = verbs.page_size("ListRecords")
    harvestable = records.harvestable().count()
    client = Client()
    load_before = os.getloadavg()
    rss_before = rss_kib()
    print(
        f"Harvesting {harvestable:,} records ({options.prefix}, pages of {size}); "
        f"load average {load_before[0]:.2f}"
    )
    page_count = -(-harvestable // size)
    run = harvest(client, options.prefix, options.max_pages, page_count // 2)
    load_after = os.getloadavg()
    pages, tokens = run["pages"], run["tokens"]
    complete = run["records"] == harvestable
    stopped = options.max_pages is not None and len(pages) == options.max_pages
    if complete or not stopped:
        middle, last = tokens.get(page_count // 2), tokens.get("last")
    else:
        middle = token_at(options.prefix, page_count // 2 * size, harvestable)
        last = token_at(options.prefix, (page_count - 1) * size, harvestable)
    timed = {
        "first": median_page_time(client, options.prefix, None, options.repeat),
        "second": median_page_time(client, options.prefix, tokens[1], options.repeat)
        if 1 in tokens
        else None,
        "middle": median_page_time(client, options.prefix, middle, options.repeat),
        "last": median_page_time(client, options.prefix, last, options.repeat),
    }
    plan = last_page_plan(last)

    after_first = pages[0]["rss_kib"]
    tenths = by_tenth(pages)
    report = {
        "count": options.count,
        "harvestable": harvestable,
        "harvested": run["records"],
        "prefix": options.prefix,
        "page_size": size,
        "pages": len(pages),
        "seconds": round(run["seconds"], 2),
        "records_per_second": round(run["records"] / run["seconds"]),
        "cpu_seconds": round(run["cpu_seconds"], 2),
        "records_per_cpu_second": round(run["records"] / run["cpu_seconds"]),
        "complete_harvest": complete,
        "by_tenth_of_harvest": tenths,
        "page_ms_median_of_repeats": {
            name: round(seconds * 1000, 1)
            for name, seconds in timed.items()
            if seconds is not None
        },
        "last_over_first": round(timed["last"] / timed["first"], 2),
        "rss_kib": {
            "before": rss_before,
            "after_first_page": after_first,
            "at_end": pages[-1]["rss_kib"],
            "max_during_harvest": max(p["rss_kib"] for p in pages),
            "growth_after_first_page": max(p["rss_kib"] for p in pages) - after_first,
            "peak_of_process": peak_rss_kib(),
        },
        # 1-minute load average of the machine before and after the harvest:
        # on a shared machine the wall clock counts waiting for a core.
        "load_average": {"before": load_before, "after": load_after},
        **run_facts(),
    }
    # A harvest that was not cut short must bring every record.
    ok = complete or stopped
    outcome = "all" if complete else "stopped by --max-pages" if stopped else "MISSING"
    print(
        f"Harvested {run['records']:,} of {harvestable:,} records ({outcome}) in "
        f"{len(pages):,} pages, {run['seconds']:.1f} s: "
        f"{report['records_per_second']:,} records/s "
        f"({report['records_per_cpu_second']:,} per second of this process's CPU)"
    )
    print(
        "  through the harvest, tenth by tenth: median page "
        + " ".join(f"{ms:.0f}" for ms in tenths["page_ms"])
        + " ms; most RSS "
        + " ".join(f"{mib:.0f}" for mib in tenths["rss_mib"])
        + " MiB"
    )
    for name, seconds in timed.items():
        if seconds is None:
            continue
        print(f"  {name:6} page: {seconds * 1000:7.1f} ms (median of {options.repeat})")
    print(f"  last/first: {report['last_over_first']}x")
    rss = report["rss_kib"]
    print(
        f"  RSS: {rss['before'] / 1024:.1f} MiB before, "
        f"{rss['after_first_page'] / 1024:.1f} MiB after the first page, "
        f"{rss['max_during_harvest'] / 1024:.1f} MiB at most, "
        f"{rss['at_end'] / 1024:.1f} MiB at the end "
        f"(growth {rss['growth_after_first_page'] / 1024:.1f} MiB)"
    )
    print(
        f"  load average: {load_before[0]:.2f} before, {load_after[0]:.2f} after "
        "(1 minute)"
    )
    print("Last page's query plan:\n" + plan)
    report["last_page_plan"] = plan
    write_results(f"oai-{options.count}-{options.prefix}", report)
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
