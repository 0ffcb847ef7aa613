"""Server time of the search page on a PostgreSQL database of N demo records,
beside the time of its SQL alone.

    python bench/search.py --count 100000 [--database-url URL] [--requests 30]
                           [--rebuild]

Uses the database bench_<N> on 127.0.0.1:5432 that bench/pages.py builds
(create, migrate, seed_demo --count N --seed S), building it the same way when
absent; migrates it, and fills the search index (rebuild_search_index) when
incomplete or when --rebuild asks. Then, for the search page before a
search and five searches, each with its facets:

- a term in about a third of the records,
- a term in about 5% of them,
- a rare term (a title word of a few dozen records),
- a two-word phrase,
- the common term with a department and a year filter,

it times, in process with django.test.Client, one request right after the
cached summaries are dropped (as after a write), then `--requests` requests
after a warm-up (median and p95), and then runs the very SQL statements one such
request ran, on their own over a plain connection, the same number of times:
the page's time over that is what Django, templates and Python add. Prints
both, with the queries per page, and writes them to bench/results/.

The bare SQL is parsed and planned at every run, as the page's is: psycopg
would otherwise prepare a statement run five times over and PostgreSQL reuse
its plan, which no page request can do (each sends its statements once).
That figure, with plans cached, is printed beside it for reference.

The page before a search lists every record, newest first, with the whole
collection's facets: a browse listing, held to the browse pages' budget (a
median under 50 ms) rather than to a ratio over its SQL, which is two reads
of kept counts and ids.

The targets at 10^6 records: p95 under 300 ms, and within 2x of the bare SQL.
"""

import argparse
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402 - after the path is set
    arguments_parser,
    database_ready,
    run_facts,
    write_results,
)

P95_BUDGET_MS = 300
SQL_RATIO_BUDGET = 2.0
BROWSE_MEDIAN_BUDGET_MS = 50  # the page before a search


def arguments() -> argparse.Namespace:
    parser = arguments_parser(__doc__)
    parser.add_argument("--requests", type=int, default=30, help="timed per search")
    parser.add_argument("--warmup", type=int, default=3, help="untimed per search")
    parser.add_argument(
        "--rebuild", action="store_true", help="rebuild the search index first"
    )
    return parser.parse_args()


def percentile_95(timings: list[float]) -> float:
    ordered = sorted(timings)
    return ordered[max(0, int(len(ordered) * 0.95 + 0.5) - 1)]


def index_fill(rebuild: bool) -> float | None:
    """Fill the search index when empty (or asked); seconds taken, or None."""
    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as cursor:
        # Not merely "any row": seed_demo indexes its seed record through the
        # services even when the demo records are left unindexed.
        cursor.execute(
            "SELECT (SELECT count(*) FROM publications_search) >= "
            "(SELECT count(*) FROM publications_publication "
            "WHERE status = 'published')"
        )
        filled = cursor.fetchone()[0]
    if filled and not rebuild:
        print("Reusing the search index.")
        return None
    started = time.monotonic()
    call_command("rebuild_search_index")
    return time.monotonic() - started


def lexeme_near(frequency: float) -> tuple[str, float]:
    """The indexed lexeme whose share of records is nearest `frequency`, from
    the planner's statistics of the document column (ANALYZE keeps them)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs "
            "FROM pg_stats WHERE tablename = 'publications_search' "
            "AND attname = 'document'"
        )
        row = cursor.fetchone()
    if not row or not row[0]:
        sys.exit("No statistics on publications_search: run ANALYZE.")
    pairs = [
        (lexeme, share)
        for lexeme, share in zip(row[0], row[1], strict=False)
        if re.fullmatch(r"[a-z]{4,}", lexeme)
    ]
    return min(pairs, key=lambda pair: abs(pair[1] - frequency))


def rare_word_and_phrase() -> tuple[str, str]:
    """A rare word (found in 1 to 350 records where the data has one, else the
    rarest of the sample's words) as a reader would type it, and a phrase of
    that word and the word after it in a record that has it."""
    from django.db import connection

    with connection.cursor() as cursor:
        # The sample's rarest lexemes: a cheap place to look for rare ones.
        cursor.execute(
            "SELECT word FROM ts_stat('SELECT document FROM publications_search "
            "WHERE sample = 0') WHERE word ~ '^[a-z]{5,}$' ORDER BY ndoc, word "
            "LIMIT 20"
        )
        best: tuple[int, str] | None = None
        for (lexeme,) in cursor.fetchall():
            cursor.execute(
                "SELECT count(*) FROM publications_search WHERE document @@ "
                "to_tsquery('repository_search', quote_literal(%s))",
                [lexeme],
            )
            found = cursor.fetchone()[0]
            if found and (best is None or found < best[0]):
                best = (found, lexeme)
            if best and best[0] <= 350:
                break
        if best is None:
            return "perforin", '"perforin dependent"'
        # The word as printed, and the one after it.
        cursor.execute(
            "SELECT ts_headline('repository_search', p.title || ' ' || "
            "regexp_replace(p.abstract, '<[^>]*>', ' ', 'g'), q, "
            "'HighlightAll=true, StartSel=[[, StopSel=]]') "
            "FROM publications_search s "
            "JOIN publications_publication p ON p.id = s.publication_id, "
            "to_tsquery('repository_search', quote_literal(%s)) q "
            "WHERE s.document @@ q LIMIT 1",
            [best[1]],
        )
        text = cursor.fetchone()[0]
    pair = re.search(r"\[\[(\w+)\]\]\W+(\w+)", text)
    if pair:
        return pair.group(1), f'"{pair.group(1)} {pair.group(2)}"'
    word = re.search(r"\[\[(\w+)\]\]", text)
    rare = word.group(1) if word else best[1]
    return rare, f'"{rare}"'


def searches() -> dict[str, dict]:
    from django.db import connection

    third, third_share = lexeme_near(1 / 3)
    five, five_share = lexeme_near(0.05)
    rare, phrase = rare_word_and_phrase()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT d.slug FROM publications_department d "
            "JOIN publications_publicationdepartment l ON l.department_id = d.id "
            "GROUP BY d.slug ORDER BY count(*) DESC LIMIT 1"
        )
        department = cursor.fetchone()[0]
    return {
        "landing: no query": {},
        f"a third: {third} ({third_share:.0%})": {"q": third},
        f"5%: {five} ({five_share:.1%})": {"q": five},
        f"rare: {rare}": {"q": rare},
        f"phrase: {phrase}": {"q": phrase},
        f"filtered: {third} + department + year": {
            "q": third,
            "department": department,
            "year_from": 2010,
        },
    }


def time_page(client, url: str, requests: int, warmup: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from publications import stats

    # As after any write: cached summaries are dropped, this request counts.
    stats.invalidate()
    started = time.perf_counter()
    client.get(url)
    first_ms = (time.perf_counter() - started) * 1000
    for _ in range(warmup):
        client.get(url)
    timings, statuses = [], set()
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        statuses.add(response.status_code)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    # The heading says "About 335,000 results", "75 results" or "No results".
    heading = re.search(
        r'id="results-heading">\s*(About )?([\d,]+|No)', response.content.decode()
    )
    return {
        "first_ms": round(first_ms, 1),
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile_95(timings), 1),
        "statuses": sorted(statuses),
        "queries": len(queries),
        "total": int(heading.group(2).replace(",", ""))
        if heading and heading.group(2) != "No"
        else 0,
        "estimated": bool(heading and heading.group(1)),
        "sql": [query["sql"] for query in queries.captured_queries],
    }


def time_sql(url: str, statements: list[str], requests: int, warmup: int) -> dict:
    """The page's statements alone, in one transaction, over a plain psycopg
    connection (transaction control left out: this one replaces it): each
    parsed and planned every time, as the page's are, and then, for
    reference, from plans PostgreSQL keeps (prepared statements)."""
    work = [
        s
        for s in statements
        if not re.match(r"(RELEASE |ROLLBACK TO )?SAVEPOINT|BEGIN|COMMIT", s)
    ]
    planned = _replay(url, work, requests, warmup, prepare_threshold=None)
    cached = _replay(url, work, requests, warmup, prepare_threshold=0)
    return {
        "median_ms": round(statistics.median(planned), 1),
        "p95_ms": round(percentile_95(planned), 1),
        "cached_plans_median_ms": round(statistics.median(cached), 1),
        "statements": len(work),
    }


def _replay(url, work, requests, warmup, prepare_threshold) -> list[float]:
    """Timings of the statements run over a connection that prepares each at
    its first run (threshold 0) or never (None)."""
    import psycopg

    timings = []
    with psycopg.connect(url, prepare_threshold=prepare_threshold) as connection:
        for round_number in range(warmup + requests):
            started = time.perf_counter()
            with connection.transaction():
                for statement in work:
                    cursor = connection.execute(statement)
                    if cursor.description is not None:
                        cursor.fetchall()
            if round_number >= warmup:
                timings.append((time.perf_counter() - started) * 1000)
    return timings


def main() -> None:
    args = arguments()
    url, seed_seconds = database_ready(args)
    from django.db import connection
    from django.test import Client

    index_seconds = index_fill(args.rebuild)
    client = Client(raise_request_exception=False)
    urls = {
        name: f"/search/?{urlencode(params)}" if params else "/search/"
        for name, params in searches().items()
    }
    for page_url in urls.values():  # templates compiled, connection open
        client.get(page_url)
    results = {}
    for name, page_url in urls.items():
        page = time_page(client, page_url, args.requests, args.warmup)
        bare = time_sql(url, page.pop("sql"), args.requests, args.warmup)
        results[name] = {"url": page_url, "page": page, "sql": bare}

    print(f"\n{args.count:,} demo records, search page with facets")
    header = (
        f"{'search':44} {'matches':>10} {'first':>7} {'median':>7} {'p95':>7} "
        f"{'SQL med':>8} {'SQL p95':>8} {'ratio':>6} {'cached':>7} {'queries':>7}"
    )
    print(header + "\n" + "-" * len(header))
    for name, figures in results.items():
        page, bare = figures["page"], figures["sql"]
        ratio = page["median_ms"] / bare["median_ms"] if bare["median_ms"] else 0
        total = page["total"]
        matches = f"{'~' if page['estimated'] else ''}{total:,}" if total else "-"
        flags = []
        if page["p95_ms"] > P95_BUDGET_MS:
            flags.append(f"p95 over {P95_BUDGET_MS} ms")
        if "q" not in parse_qs(urlsplit(figures["url"]).query):
            if page["median_ms"] > BROWSE_MEDIAN_BUDGET_MS:
                flags.append(f"median over {BROWSE_MEDIAN_BUDGET_MS} ms")
        elif ratio > SQL_RATIO_BUDGET:
            flags.append(f"over {SQL_RATIO_BUDGET:g}x SQL")
        if page["statuses"] != [200]:
            flags.append(f"status {page['statuses']}")
        print(
            f"{name[:44]:44} {matches:>10} {page['first_ms']:>7.1f} "
            f"{page['median_ms']:>7.1f} "
            f"{page['p95_ms']:>7.1f} {bare['median_ms']:>8.1f} {bare['p95_ms']:>8.1f} "
            f"{ratio:>6.2f} {bare['cached_plans_median_ms']:>7.1f} {page['queries']:>7}"
            f"  {'; '.join(flags)}"
        )
        figures["ratio"] = round(ratio, 2)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('publications_search'))"
        )
        index_size = cursor.fetchone()[0]
    print(
        "\nSQL: the page's statements alone, parsed and planned each time as the "
        "page's are;\ncached: the same from prepared plans, which a page cannot "
        f"reuse.\nSearch table with indexes: {index_size}."
    )
    write_results(
        f"search-{args.count}",
        {
            "count": args.count,
            **run_facts(),
            "requests": args.requests,
            "search_table_size": index_size,
            "seed_demo_seconds": seed_seconds,
            "rebuild_seconds": index_seconds,
            "results": results,
        },
    )


if __name__ == "__main__":
    main()
