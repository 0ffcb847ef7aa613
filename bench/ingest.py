"""Import speed: a generated PubMed XML file of N records imported into a
PostgreSQL catalogue of C demo records, as `manage.py import_records` does it
(in one pass, or a dry run then the apply; duplicate checks and search
indexing included).

    python bench/ingest.py --records 10000 100000 [--catalogue 10000]
                           [--database-url URL] [--mode all|per_row]

The catalogue is built once as bench_ingest_base (create, migrate, seed_demo
--count C with its search index, one affiliation rule per department) and
copied for each run into bench_ingest (CREATE DATABASE ... TEMPLATE), so every
run meets the same catalogue. The PubMed file is written to a temporary
folder and removed after the run: 5 to 10 authors each with affiliations
(some in the catalogue's departments, some of its people), MeSH headings
(most known to the catalogue, some new), structured abstracts, unique PMIDs,
DOIs and titles. Each import runs in a process of its own, whose peak
resident memory is reported. See bench/README.md.
"""

import argparse
import html
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402 - after the path is set
    database_create,
    git_commit,
    write_results,
)

TARGET = 1000  # records per second, checks, writes and indexing together
BASE_SUFFIX = "_base"
WORDS = (
    "acute adaptive adult airway analysis assessment association biomarkers "
    "burden cardiac care cell chronic clinical cohort community comparison "
    "complications cost disease dose early effect efficacy elderly exposure "
    "factors function genetic health hospital immune impact incidence "
    "infection inflammation injury intervention kidney long-term management "
    "markers maternal metabolic mortality neonatal network outcomes patients "
    "pediatric pathway performance population prediction prevalence primary "
    "quality randomized recovery regional renal response risk screening "
    "severity signalling surgical survival systemic therapy treatment trial "
    "tumour variation vascular"
).split()
LABELS = ("BACKGROUND", "METHODS", "RESULTS", "CONCLUSIONS")
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
OUTSIDE = (
    "Department of Medicine, University of Example, Lyon, France.",
    "Institute of Public Health, Northfield University, Leeds, UK.",
    "Department of Surgery, Hospital Universitário, São Paulo, Brazil.",
    "Division of Cardiology, Lakeside Medical Center, Chicago, IL, USA.",
)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--records", type=int, nargs="+", default=[10000, 100000], help="file sizes"
    )
    parser.add_argument("--catalogue", type=int, default=10000, help="demo records")
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/bench_ingest",
        help="the run's database; the catalogue is built in <name>_base",
    )
    parser.add_argument("--mode", choices=["all", "per_row"], default="all")
    parser.add_argument("--profile", help="write a cProfile of the import here")
    parser.add_argument(
        "--queries", action="store_true", help="print the slowest kinds of SQL"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    return parser.parse_args()


def with_name(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()


# The catalogue


def base_fill(catalogue: int) -> None:
    from django.core.management import call_command

    from publications.ingest.models import AffiliationRule
    from publications.models import Department, Publication

    call_command("migrate", verbosity=0)
    present = Publication.objects.filter(doi__startswith="10.5555/demo.").count()
    if present != catalogue:
        if present:
            sys.exit(f"The base database holds {present:,} demo records: drop it.")
        print(f"Loading {catalogue:,} demo records into the base database")
        call_command("seed_demo", count=catalogue, seed=1, verbosity=0)
    for department in Department.objects.all():
        AffiliationRule.objects.get_or_create(
            pattern=department.name, department=department
        )


def database_copy(base_url: str, url: str) -> None:
    """A fresh copy of the base database for one run."""
    import psycopg
    from psycopg import sql

    name = urlsplit(url).path.lstrip("/")
    base = urlsplit(base_url).path.lstrip("/")
    with psycopg.connect(with_name(url, "postgres"), autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name))
        )
        connection.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(base)
            )
        )


# The PubMed file


def vocabulary() -> dict:
    """What generated records draw on: the catalogue's departments, some of
    its people (by department), MeSH headings and journals."""
    from publications.models import Keyword, Person, Venue

    people = list(
        Person.departments.through.objects.select_related("person", "department")
        .order_by("pk")
        .values_list("person__family_name", "person__given_names", "department__name")[
            :5000
        ]
    )
    mesh = list(
        Keyword.objects.filter(vocabulary="mesh")
        .order_by("pk")
        .values_list("term", "identifier")[:2000]
    )
    mesh = [(term, ui or f"D{900000 + i:06d}") for i, (term, ui) in enumerate(mesh)]
    mesh += [(f"New Heading {i}", f"D{800000 + i:06d}") for i in range(200)]
    journals = list(
        Venue.objects.exclude(issn="")
        .order_by("pk")
        .values_list("title", "abbreviation", "issn")
    ) or [("Journal of Examples", "J Ex", "")]
    from publications.models import Department

    return {
        "people": people,
        "departments": list(Department.objects.values_list("name", flat=True)),
        "mesh": mesh,
        "journals": journals,
    }


def title_words(rng: random.Random, serial: int) -> str:
    words = rng.sample(WORDS, rng.randint(6, 11))
    # A serial word keeps every title unique, as real titles are.
    words.insert(rng.randint(1, len(words)), f"cohort-{serial:07d}")
    return " ".join(words).capitalize()


def article_xml(rng: random.Random, serial: int, vocab: dict, run: str) -> str:
    e = html.escape
    year = rng.randint(2005, 2024)
    month = rng.randint(1, 12)
    title, abbreviation, issn = rng.choice(vocab["journals"])
    pmid = 40_000_000 + serial
    doi = f"10.5555/bench.{run}.{serial:08d}"
    authors = []
    for _ in range(rng.randint(5, 10)):
        draw = rng.random()
        if draw < 0.3 and vocab["people"]:
            family, given, department = rng.choice(vocab["people"])
            affiliation = f"{department}, Example Medical School, Worcester, MA, USA."
        elif draw < 0.6 and vocab["departments"]:
            family = rng.choice(WORDS).capitalize() + rng.choice(
                ("son", "er", "ez", "i")
            )
            given = rng.choice(
                ("Anna", "Jan", "Wei", "Maria", "Chidi", "Sofia", "Omar")
            )
            affiliation = (
                f"{rng.choice(vocab['departments'])}, Example Medical School, "
                "Worcester, MA, USA."
            )
        else:
            family = rng.choice(WORDS).capitalize() + rng.choice(("ova", "sen", "ini"))
            given = rng.choice(("Lena", "Ravi", "Tom", "Ines", "Kofi", "Yuki"))
            affiliation = rng.choice(OUTSIDE)
        initials = "".join(part[0] for part in given.split() if part)
        authors.append(
            f'<Author ValidYN="Y"><LastName>{e(family)}</LastName>'
            f"<ForeName>{e(given)}</ForeName><Initials>{e(initials)}</Initials>"
            f"<AffiliationInfo><Affiliation>{e(affiliation)}</Affiliation>"
            "</AffiliationInfo></Author>"
        )
    abstract = "".join(
        f'<AbstractText Label="{label}">'
        + " ".join(rng.choice(WORDS) for _ in range(rng.randint(30, 60)))
        + ".</AbstractText>"
        for label in LABELS
    )
    headings = "".join(
        f'<MeshHeading><DescriptorName UI="{ui}" MajorTopicYN="N">{e(term)}'
        "</DescriptorName></MeshHeading>"
        for term, ui in rng.sample(vocab["mesh"], rng.randint(6, 14))
    )
    keywords = "".join(
        f"<Keyword>{rng.choice(WORDS)} {rng.choice(WORDS)}</Keyword>" for _ in range(3)
    )
    issn_xml = f'<ISSN IssnType="Print">{issn}</ISSN>' if issn else ""
    return (
        '<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM">'
        f'<PMID Version="1">{pmid}</PMID><Article PubModel="Print">'
        f'<Journal>{issn_xml}<JournalIssue CitedMedium="Print">'
        f"<Volume>{rng.randint(1, 90)}</Volume><Issue>{rng.randint(1, 12)}</Issue>"
        f"<PubDate><Year>{year}</Year><Month>{MONTHS[month - 1]}</Month></PubDate>"
        f"</JournalIssue><Title>{e(title)}</Title>"
        f"<ISOAbbreviation>{e(abbreviation)}</ISOAbbreviation></Journal>"
        f"<ArticleTitle>{e(title_words(rng, serial))}.</ArticleTitle>"
        f"<Pagination><MedlinePgn>{rng.randint(1, 900)}-{rng.randint(1, 99)}"
        "</MedlinePgn></Pagination>"
        f'<ELocationID EIdType="doi" ValidYN="Y">{doi}</ELocationID>'
        f"<Abstract>{abstract}</Abstract>"
        f'<AuthorList CompleteYN="Y">{"".join(authors)}</AuthorList>'
        "<Language>eng</Language><PublicationTypeList>"
        '<PublicationType UI="D016428">Journal Article</PublicationType>'
        "</PublicationTypeList></Article>"
        f"<MedlineJournalInfo><MedlineTA>{e(abbreviation)}</MedlineTA>"
        "</MedlineJournalInfo>"
        f"<MeshHeadingList>{headings}</MeshHeadingList>"
        f'<KeywordList Owner="NOTNLM">{keywords}</KeywordList></MedlineCitation>'
        "<PubmedData><ArticleIdList>"
        f'<ArticleId IdType="pubmed">{pmid}</ArticleId>'
        f'<ArticleId IdType="doi">{doi}</ArticleId>'
        "</ArticleIdList></PubmedData></PubmedArticle>\n"
    )


def pubmed_write(path: Path, count: int, vocab: dict, run: str) -> int:
    rng = random.Random(f"ingest:{count}")  # noqa: S311 - test data
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<PubmedArticleSet>\n')
        for serial in range(1, count + 1):
            out.write(article_xml(rng, serial, vocab, run))
        out.write("</PubmedArticleSet>\n")
    return path.stat().st_size


# The import, in a process of its own


class QueryTimes:
    """Database time per kind of statement (its first words)."""

    def __init__(self):
        self.seconds: dict[str, list[float]] = {}

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            key = " ".join(sql.split())[:70]
            entry = self.seconds.setdefault(key, [0, 0.0])
            entry[0] += 1
            entry[1] += time.perf_counter() - started

    def report(self) -> None:
        ranked = sorted(self.seconds.items(), key=lambda item: -item[1][1])
        for key, (n, seconds) in ranked[:15]:
            print(f"{seconds:8.2f} s {n:6} x  {key}", file=sys.stderr)


def backend_cpu(pid: int) -> float | None:
    """CPU seconds of the import's PostgreSQL backend, where the server runs
    on this machine (Linux): the rest of the time waiting on it is I/O."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # utime and stime, the 14th and 15th fields of the whole line.
    return round((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), 1)


def child(path: str, mode: str, profile: str | None, queries: bool = False) -> None:
    """What import_records does, timed: create, then import in one pass, or
    plan and apply where the batch cannot go in one."""
    from contextlib import ExitStack

    from django.core.files import File
    from django.db import connection

    from publications.ingest.importing import batch_import
    from publications.ingest.services import batch_apply, batch_create, batch_plan

    timings = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    stack = ExitStack()
    times = QueryTimes()
    if queries:
        stack.enter_context(connection.execute_wrapper(times))
    started = time.perf_counter()
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    with open(path, "rb") as stream:
        batch = batch_create(
            file=File(stream, name=Path(path).name),
            filename=Path(path).name,
            user=None,
            mode=mode,
        )
    timings["create_s"] = time.perf_counter() - started
    mark, cpu = time.perf_counter(), time.process_time()
    imported = batch_import(batch=batch, user=None)
    if imported is None:
        # Not in one pass: a dry run, then the apply.
        batch_plan(batch=batch)
        timings["plan_s"] = time.perf_counter() - mark
        applying = time.perf_counter()
        batch_apply(batch=batch, user=None)
        timings["apply_s"] = time.perf_counter() - applying
    else:
        batch = imported
    timings["import_s"] = time.perf_counter() - mark
    # The rest of the import's time it waits for the database.
    timings["import_cpu_s"] = time.process_time() - cpu
    timings["total_s"] = time.perf_counter() - started
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)
    stack.close()
    if queries:
        times.report()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    database_cpu = backend_cpu(backend)
    # The process that parses a large file beside the import (readahead.py).
    reader = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        json.dumps(
            {
                **{k: round(v, 2) for k, v in timings.items()},
                "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
                "reader_cpu_s": round(reader.ru_utime + reader.ru_stime, 1),
                "database_cpu_s": database_cpu,
                "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
                "reader_peak_rss_mb": round(reader.ru_maxrss / 1024, 1),
                "status": batch.status,
                "failure": batch.failure,
                "counts": batch.counts,
            }
        )
    )


def run_once(args, url: str, base_url: str, count: int) -> dict:
    from django.db import connections

    run = time.strftime("%H%M%S")
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as folder:
        path = Path(folder) / f"pubmed-{count}.xml"
        print(f"Writing {count:,} PubMed records")
        size = pubmed_write(path, count, vocabulary(), run)
        connections.close_all()
        database_copy(base_url, url)
        print(f"Importing {path.name} ({size / 2**20:,.0f} MiB)")
        command = [sys.executable, __file__, "--child", str(path), "--mode", args.mode]
        command += ["--database-url", url]
        if args.profile:
            command += ["--profile", f"{args.profile}.{count}"]
        if args.queries:
            command.append("--queries")
        # A 100,000-record PubMed file is past the upload limit's default.
        env = {**os.environ, "INGEST_MAX_FILE_SIZE": str(max(size + 1, 2**28))}
        result = subprocess.run(  # noqa: S603
            command, capture_output=True, text=True, check=False, env=env
        )
    if result.returncode:
        sys.exit(result.stderr)
    if args.queries:
        print(result.stderr)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["records"] = count
    figures["file_mib"] = round(size / 2**20, 1)
    figures["records_per_s"] = round(count / figures["import_s"])
    return figures


def main() -> None:
    args = arguments()
    if args.child:
        setup_django(args.database_url)
        child(args.child, args.mode, args.profile, args.queries)
        return
    base_url = with_name(
        args.database_url, urlsplit(args.database_url).path[1:] + BASE_SUFFIX
    )
    database_create(base_url)
    setup_django(base_url)
    base_fill(args.catalogue)

    runs = [
        run_once(args, args.database_url, base_url, count) for count in args.records
    ]
    header = (
        f"{'records':>8} {'MiB':>6} {'import s':>9} {'records/s':>10} "
        f"{'CPU s (import, reader, database)':>32} {'peak RSS MB':>12} "
        f"{'reader MB':>10}  status"
    )
    print(f"\nCatalogue of {args.catalogue:,} demo records; mode {args.mode}")
    print(header + "\n" + "-" * len(header))
    for r in runs:
        flag = "" if r["records_per_s"] >= TARGET else f"  under {TARGET}/s"
        steps = ""
        if "plan_s" in r:
            steps = f" (plan {r['plan_s']:.1f} s, apply {r['apply_s']:.1f} s)"
        cpu = f"{r['cpu_s']}, {r['reader_cpu_s']}, {r['database_cpu_s']}"
        print(
            f"{r['records']:>8,} {r['file_mib']:>6} {r['import_s']:>9.1f} "
            f"{r['records_per_s']:>10,} {cpu:>32} {r['peak_rss_mb']:>12}"
            f" {r['reader_peak_rss_mb']:>10}  {r['status']}{flag}{steps}"
        )
    write_results(
        f"ingest-{args.catalogue}",
        {
            "catalogue": args.catalogue,
            "mode": args.mode,
            "python": platform.python_version(),
            "commit": git_commit(),
            "runs": runs,
        },
    )


if __name__ == "__main__":
    main()
