"""A full OAI-PMH ListRecords harvest of a PostgreSQL database of N demo records.

    python bench/oai_harvest.py --count 10000 [--prefix oai_dc] [--repeat 5]
                                [--with-index] [--database-url URL]

Uses the database bench_<N> on 127.0.0.1:5432 that bench/pages.py builds (create,
migrate, seed_demo --count N --seed S), building it the same way when it does not
exist. Then, in process with django.test.Client and production settings
(bench/settings.py, DEBUG off), it harvests every record, following resumption
tokens to the end, and reports records per second, the time of the first, a
middle and the last page (median of --repeat re-requests of each), and how much
the process's resident memory grew. Targets at 10^6 records: >= 2,000 records/s,
last page within 1.5x the first, memory flat.

--with-index creates the harvest index the provider asks for (on (updated_at, id)
of published and withdrawn records) for the run and drops it afterwards, so the
database is left as found.
"""

import argparse
import json
import os
import re
import resource
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
TOKEN = re.compile(rb"<resumptionToken[^>]*>([^<]*)</resumptionToken>")
INDEX_NAME = "bench_oai_harvest_idx"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, required=True, help="demo records")
    parser.add_argument(
        "--database-url",
        help="PostgreSQL URL (default postgres://postgres@127.0.0.1:5432/bench_<N>)",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed_demo --seed")
    parser.add_argument("--prefix", default="oai_dc", help="metadataPrefix")
    parser.add_argument("--page-size", type=int, default=100, help="records a page")
    parser.add_argument("--repeat", type=int, default=5, help="re-requests per page")
    parser.add_argument(
        "--max-pages",
        type=int,
        help="stop the harvest after this many pages (the middle and last pages "
        "are then reached with tokens made for their positions)",
    )
    parser.add_argument(
        "--with-index",
        action="store_true",
        help="create the requested harvest index for the run, drop it after",
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


def harvest(client, prefix: str, max_pages: int | None) -> dict:
    """Every page, in order: its time, records, and memory after it."""
    query = {"verb": "ListRecords", "metadataPrefix": prefix}
    pages, tokens, records = [], [None], 0
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
        tokens.append(token)
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


def index_create() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON publications_publication "
            "(updated_at, id) WHERE status IN ('published', 'withdrawn')"
        )
        cursor.execute("ANALYZE publications_publication")


def index_drop() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")


def last_page_plan(token: str | None) -> str:
    """EXPLAIN ANALYZE of the last page's main query."""
    from publications.oai import records, tokens, verbs

    if token is None:
        return "(one page: no resumption)"
    position = tokens.read(token, "ListRecords")
    page = records.after(
        records.with_metadata(records.harvestable()),
        position.after_updated_at,
        position.after_id,
    )
    size = verbs.page_size("ListRecords")
    return records.in_harvest_order(page)[: size + 1].explain(analyze=True)


def main() -> None:
    options = arguments()
    # Stopped with SIGTERM, still drop the index it made (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("Stopped."))
    url = options.database_url or (
        f"postgres://postgres@127.0.0.1:5432/bench_{options.count}"
    )
    sys.path.insert(0, str(ROOT))
    from bench.pages import database_create, database_fill

    database_create(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from publications.oai import records

    database_fill(options.count, options.seed)
    settings.OAI_LIST_RECORDS_PAGE_SIZE = options.page_size
    urlconf = settings.ROOT_URLCONF
    if options.with_index:
        print("Creating the harvest index for this run")
        index_create()
    try:
        harvestable = records.harvestable().count()
        client = Client()
        rss_before = rss_kib()
        print(
            f"Harvesting {harvestable:,} records ({options.prefix}, pages of "
            f"{options.page_size}) through {urlconf}"
        )
        run = harvest(client, options.prefix, options.max_pages)
        pages, tokens = run["pages"], run["tokens"]
        complete = run["records"] == harvestable
        stopped = options.max_pages is not None and len(pages) == options.max_pages
        if complete or not stopped:
            middle, last = tokens[len(tokens) // 2], tokens[-1]
        else:
            size = options.page_size
            page_count = -(-harvestable // size)
            middle = token_at(options.prefix, page_count // 2 * size, harvestable)
            last = token_at(options.prefix, (page_count - 1) * size, harvestable)
        timed = {
            "first": median_page_time(client, options.prefix, None, options.repeat),
            "second": median_page_time(
                client, options.prefix, tokens[1], options.repeat
            )
            if len(tokens) > 1
            else None,
            "middle": median_page_time(client, options.prefix, middle, options.repeat),
            "last": median_page_time(client, options.prefix, last, options.repeat),
        }
        plan = last_page_plan(last)
    finally:
        if options.with_index:
            index_drop()

    after_first = pages[0]["rss_kib"]
    report = {
        "count": options.count,
        "harvestable": harvestable,
        "harvested": run["records"],
        "prefix": options.prefix,
        "page_size": options.page_size,
        "with_index": options.with_index,
        "pages": len(pages),
        "seconds": round(run["seconds"], 2),
        "records_per_second": round(run["records"] / run["seconds"]),
        "cpu_seconds": round(run["cpu_seconds"], 2),
        "records_per_cpu_second": round(run["records"] / run["cpu_seconds"]),
        "complete_harvest": complete,
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
        "postgresql": connection.cursor().connection.info.server_version,
        "commit": subprocess.run(  # noqa: S603
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout.strip(),
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
    for name, seconds in timed.items():
        if seconds is None:
            continue
        print(f"  {name:6} page: {seconds * 1000:7.1f} ms (median of {options.repeat})")
    print(f"  last/first: {report['last_over_first']}x")
    rss = report["rss_kib"]
    print(
        f"  RSS: {rss['after_first_page'] / 1024:.1f} MiB after the first page, "
        f"{rss['max_during_harvest'] / 1024:.1f} MiB at most, "
        f"{rss['at_end'] / 1024:.1f} MiB at the end "
        f"(growth {rss['growth_after_first_page'] / 1024:.1f} MiB)"
    )
    print("Last page's query plan:\n" + plan)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    index = "-index" if options.with_index else ""
    path = RESULTS / f"oai-{options.count}-{options.prefix}{index}-{stamp}.json"
    report["last_page_plan"] = plan
    path.write_text(json.dumps(report, indent=2))
    print(f"Wrote {path.relative_to(ROOT)}")
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
