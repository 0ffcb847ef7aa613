"""manage.py seed_demo: the seed record, then generated demo records."""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils.text import slugify

from publications import stats
from publications.dates import PartialDate
from publications.demo.seed_record import SEED_RECORD
from publications.identifiers import (
    normalize_doi,
    normalize_orcid,
    normalize_pmcid,
    normalize_pmid,
)
from publications.models import (
    Department,
    Keyword,
    Person,
    Publication,
    Subject,
    Venue,
)
from publications.sanitize import sanitize_abstract

pytestmark = pytest.mark.django_db

SECTION_LABELS = re.compile(r"(BACKGROUND|METHODS|RESULTS|CONCLUSIONS): ")


def seed_demo(count: int = 50, seed: int = 1, **options) -> str:
    out = StringIO()
    call_command("seed_demo", count=count, seed=seed, stdout=out, **options)
    return out.getvalue()


def demo_records():
    return Publication.objects.filter(doi__startswith="10.5555/").order_by("doi")


def fingerprint() -> list[tuple]:
    """Everything a reader sees of the demo records, by value (not by id)."""
    rows = []
    for record in demo_records().for_record():
        rows.append(
            (
                record.doi,
                record.title,
                record.abstract,
                str(record.partial_date),
                record.epub_date,
                record.document_type.name,
                record.venue.title if record.venue else None,
                record.source_citation,
                record.pmid,
                record.pmcid,
                record.status,
                record.created_at,
                [
                    (a.name_as_printed, a.affiliation, a.person.orcid, a.person.slug)
                    for a in record.authorships.all()
                ],
                [link.department.name for link in record.department_links.all()],
                [subject.name for subject in record.subjects.all()],
                sorted(keyword.term for keyword in record.keywords.all()),
                [(link.label, link.url) for link in record.related_links.all()],
            )
        )
    return rows


def delete_everything() -> None:
    Publication.objects.all().delete()
    Person.objects.all().delete()
    Keyword.objects.all().delete()
    Venue.objects.all().delete()
    for depth in (3, 2, 1):
        Subject.objects.filter(depth=depth).delete()
    while Department.objects.exists():
        Department.objects.filter(children__isnull=True).delete()


def test_the_seed_record_comes_first_with_its_exact_fields():
    seed_demo()

    assert Publication.objects.count() == 51
    first = Publication.objects.for_record().order_by("pk").first()
    assert (first.title, first.doi, first.source_citation) == (
        SEED_RECORD["title"],
        SEED_RECORD["doi"],
        SEED_RECORD["source_citation"],
    )
    assert (str(first.partial_date), first.epub_date) == (
        "2013 Jun",
        datetime.date(2013, 4, 12),
    )
    assert (first.volume, first.issue, first.pages) == ("161", "5", "609-22")
    assert first.venue.abbreviation == "Br J Haematol"
    assert [link.department.name for link in first.department_links.all()] == [
        "Department of Pediatrics",
        "Department of Pathology",
    ]
    assert [k.identifier for k in first.keywords.all()] == ["D051359"]
    assert first.status == Publication.Status.PUBLISHED


def test_the_same_seed_on_the_same_database_gives_the_same_records():
    seed_demo(count=50, seed=1)
    first_run = fingerprint()
    delete_everything()

    seed_demo(count=50, seed=1)

    assert len(first_run) == 50
    assert fingerprint() == first_run


def test_another_seed_gives_other_records():
    seed_demo(count=20, seed=1)
    first_titles = [r[1] for r in fingerprint()]
    delete_everything()

    seed_demo(count=20, seed=2)

    assert [r[1] for r in fingerprint()] != first_titles


def test_identifiers_are_valid_and_unique():
    seed_demo()

    records = list(demo_records())
    dois = [r.doi for r in records]
    assert all(normalize_doi(doi) == doi and doi.startswith("10.5555/") for doi in dois)
    pmids = [r.pmid for r in records if r.pmid]
    assert all(normalize_pmid(pmid) == pmid for pmid in pmids)
    pmcids = [r.pmcid for r in records if r.pmcid]
    assert all(normalize_pmcid(pmcid) == pmcid for pmcid in pmcids)
    orcids = list(Person.objects.exclude(orcid=None).values_list("orcid", flat=True))
    assert all(normalize_orcid(orcid) == orcid for orcid in orcids)
    for values in (dois, pmids, pmcids, orcids):
        assert len(values) == len(set(values))
    # Most records have a PubMed ID; some people have an ORCID iD.
    assert len(pmids) >= 30
    assert 0 < len(orcids) < Person.objects.count()


def test_every_record_passes_the_models_own_validation():
    seed_demo()

    for record in demo_records():
        record.full_clean()
        assert record.date_sort == record.partial_date.sort_key
        assert record.slug == slugify(record.title)[:80].strip("-")
    for person in Person.objects.all():
        person.full_clean()


def test_partial_dates_are_valid_and_vary_in_precision():
    seed_demo(count=200)

    precisions = set()
    for year, month, day in demo_records().values_list(
        "pub_year", "pub_month", "pub_day"
    ):
        date = PartialDate(year, month, day)  # raises if invalid
        assert 1990 <= date.year <= 2026
        precisions.add((month is not None, day is not None))
    assert precisions == {(False, False), (True, False), (True, True)}


def test_abstracts_are_sanitised_and_of_realistic_length():
    seed_demo()

    structured = 0
    for abstract in demo_records().values_list("abstract", flat=True):
        assert sanitize_abstract(abstract) == abstract
        text = SECTION_LABELS.sub("", re.sub(r"</?p>", " ", abstract))
        assert 150 <= len(text.split()) <= 300
        structured += abstract.startswith("<p>BACKGROUND: ")
    assert structured > 0


def test_records_have_authors_departments_subjects_and_keywords():
    seed_demo()

    records = list(demo_records().for_record())
    author_counts = [len(r.authorships.all()) for r in records]
    assert sum(author_counts) / len(records) >= 3
    assert max(author_counts) <= 12
    for record in records:
        positions = [a.position for a in record.authorships.all()]
        assert positions == list(range(1, len(positions) + 1))
        assert 1 <= len(record.department_links.all()) <= 3
        assert 1 <= len(record.subjects.all()) <= 3
        assert 2 <= len(record.keywords.all()) <= 8
    local = Person.objects.filter(is_local=True)
    assert local.count() > Person.objects.count() / 2
    assert not local.filter(departments__isnull=True).exists()


def test_departments_form_a_medical_school_hierarchy():
    seed_demo(count=5)

    cardiology = Department.objects.get(name="Division of Cardiovascular Medicine")
    assert cardiology.kind == Department.Kind.DIVISION
    assert cardiology.parent.name == "Department of Medicine"
    assert cardiology.parent.parent.name == "School of Medicine"
    # The seed record's departments are put in their place, not duplicated.
    pediatrics = Department.objects.get(name="Department of Pediatrics")
    assert pediatrics.parent.name == "School of Medicine"
    assert Department.objects.count() == 45


def test_statuses_and_timestamps_follow_the_service_rules():
    seed_demo(count=300)

    records = list(demo_records())
    published = [r for r in records if r.status == Publication.Status.PUBLISHED]
    assert len(published) >= 0.95 * len(records)
    for record in records:
        assert record.created_at <= record.updated_at
        if record.status == Publication.Status.DRAFT:
            assert record.first_published_at is None
        else:
            assert record.first_published_at == record.created_at
        if record.status == Publication.Status.WITHDRAWN:
            assert record.withdrawal_note and record.withdrawn_at


def test_a_second_run_adds_records_numbered_after_the_first():
    seed_demo(count=10, seed=1)

    output = seed_demo(count=10, seed=1)

    assert "numbers 11 to 20" in output
    assert Publication.objects.count() == 21
    dois = list(demo_records().values_list("doi", flat=True))
    assert dois == [f"10.5555/demo.{n:08d}" for n in range(1, 21)]
    orcids = list(Person.objects.exclude(orcid=None).values_list("orcid", flat=True))
    assert len(orcids) == len(set(orcids))


def test_loaded_disciplines_and_mesh_headings_are_used(shared_data):
    call_command(
        "load_disciplines", shared_data("bepress_disciplines.csv"), verbosity=0
    )
    call_command("load_mesh", shared_data("mesh_descriptors_2023.csv"), verbosity=0)

    seed_demo(count=30)

    roots = {"Medicine and Health Sciences", "Life Sciences"}
    subjects = Subject.objects.filter(publications__doi__startswith="10.5555/")
    for subject in subjects.select_related("parent__parent"):
        top = subject.parent.parent or subject.parent
        assert top.name in roots
    keywords = Keyword.objects.filter(publications__doi__startswith="10.5555/")
    assert not keywords.exclude(vocabulary=Keyword.Vocabulary.MESH).exists()
    assert Keyword.objects.count() == 30452
    assert Subject.objects.count() == 1239


def test_progress_and_a_summary_are_printed():
    output = seed_demo(count=50, batch_size=10)

    assert "Demo records: 10/50 (20%)" in output
    assert "Demo records: 50/50 (100%)" in output
    assert re.search(
        r"Loaded 50 demo records \(numbers 1 to 50\) and 50 people", output
    )


def test_cached_counts_are_dropped_after_loading():
    seed_demo(count=0)
    assert stats.published_count() == 1  # cached now

    seed_demo(count=20)

    assert stats.published_count() == Publication.objects.published().count()
    assert stats.published_count() > 1


def test_a_negative_count_is_refused():
    with pytest.raises(CommandError, match="--count must be 0 or more"):
        seed_demo(count=-1)


@pytest.mark.django_db
def test_demo_records_are_searchable_once_loaded(client):
    call_command("seed_demo", count=5, seed=3, verbosity=0)
    response = client.get("/search/", {"q": "haemophagocytic lymphohistiocytosis"})
    titles = [publication.title for _, publication in response.context["page_obj"]]
    assert "Advances in understanding the pathogenesis of HLH" in titles
