"""What every benchmark shares: the PostgreSQL database of N demo records it
runs on, Django set up against it, and a JSON file of results that says on
what (PostgreSQL and Python versions, commit) the figures were taken."""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def arguments_parser(doc: str) -> argparse.ArgumentParser:
    """--count, --database-url and --seed, which every benchmark takes."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--count", type=int, required=True, help="demo records")
    parser.add_argument(
        "--database-url",
        help="PostgreSQL URL (default postgres://postgres@127.0.0.1:5432/bench_<N>)",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed_demo --seed")
    return parser


def database_url(count: int, given: str | None = None) -> str:
    return given or f"postgres://postgres@127.0.0.1:5432/bench_{count}"


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def database_create(url: str) -> None:
    """CREATE DATABASE when it does not exist yet (connecting to "postgres")."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            print(f"Creating database {name}")
            connection.execute(
                sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
            )


def django_setup(url: str) -> None:
    """Django with the production-like bench settings, on `url`."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def database_fill(count: int, seed: int) -> float | None:
    """Migrate, and load the demo records unless they are there; returns the
    seconds seed_demo took, or None when the database was reused."""
    from django.core.management import call_command

    from publications.models import Publication

    call_command("migrate", verbosity=0)
    present = Publication.objects.filter(doi__startswith="10.5555/demo.").count()
    if present == count:
        print(f"Reusing the database: it holds {count:,} demo records.")
        return None
    if present:
        sys.exit(
            f"The database holds {present:,} demo records, not {count:,}: drop it or "
            "pass another --database-url."
        )
    print(f"Loading {count:,} demo records (seed_demo --seed {seed})")
    started = time.monotonic()
    call_command("seed_demo", count=count, seed=seed, no_search_index=True)
    return time.monotonic() - started


def database_ready(args: argparse.Namespace) -> tuple[str, float | None]:
    """The database of `--count` demo records (`--database-url`, else
    bench_<N>), created and filled when need be, with Django set up on it:
    its URL, and the seconds seed_demo took (None when it was reused)."""
    url = database_url(args.count, args.database_url)
    database_create(url)
    django_setup(url)
    return url, database_fill(args.count, args.seed)


def git_commit() -> str:
    try:
        return subprocess.run(  # noqa: S603
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def run_facts() -> dict:
    """On what the figures were taken (after django_setup)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    return {
        "database": connection.settings_dict["NAME"],
        "postgresql": server,
        "python": platform.python_version(),
        "commit": git_commit(),
    }


def write_results(name: str, report: dict) -> Path:
    """bench/results/<name>-<timestamp>.json."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}-{time.strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nWritten to {path.relative_to(ROOT)}")
    return path
