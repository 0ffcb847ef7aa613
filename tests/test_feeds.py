"""RSS 2.0 and Atom 1.0 feeds of recent additions, read back with feedparser:
site-wide, per department (with sub-units), per subject (with narrower ones)."""

import datetime

import feedparser
import html5lib
import pytest
from django.urls import reverse
from django.utils import timezone

from publications import services
from publications.demo.seed import seed_record_load
from publications.models import Department, Publication, Subject
from tests.factories import (
    DepartmentFactory,
    KeywordFactory,
    PersonFactory,
    PublicationFactory,
    SubjectFactory,
)

pytestmark = pytest.mark.django_db

BASE_URL = "https://repository.example.edu"
FORMATS = ["rss", "atom"]
START = timezone.make_aware(datetime.datetime(2024, 1, 1, 9, 0))


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.REPOSITORY = {**settings.REPOSITORY, "BASE_URL": BASE_URL}


def read(client, url: str):
    """The feed at `url`, parsed; it must be well-formed and of its type."""
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(
        response.content, response_headers={"content-type": response["Content-Type"]}
    )
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def added(publication: Publication, days: int) -> Publication:
    """Say the record was first published `days` days after START."""
    Publication.objects.filter(pk=publication.pk).update(
        first_published_at=START + datetime.timedelta(days=days)
    )
    return publication


def record_url(publication: Publication) -> str:
    return f"{BASE_URL}/publications/{publication.pk}/"


def text_of(description: str) -> list[str]:
    """The text of each paragraph of an HTML description."""
    paragraphs = html5lib.parse(description, namespaceHTMLElements=False).iter("p")
    return ["".join(p.itertext()) for p in paragraphs]


@pytest.mark.parametrize("fmt", FORMATS)
def test_recent_feed_lists_published_records_newest_first(client, fmt):
    older = added(PublicationFactory(title="Older"), 1)
    newer = added(PublicationFactory(title="Newer"), 3)
    middle = added(PublicationFactory(title="Middle"), 2)
    PublicationFactory(title="A draft", status="draft")
    withdrawn = added(PublicationFactory(title="Withdrawn"), 4)
    services.publication_withdraw(publication=withdrawn, note="Duplicate.")

    feed = read(client, f"/feeds/recent.{fmt}")

    assert feed.version == {"rss": "rss20", "atom": "atom10"}[fmt]
    assert [entry.link for entry in feed.entries] == [
        record_url(p) for p in (newer, middle, older)
    ]
    assert [entry.title for entry in feed.entries] == ["Newer", "Middle", "Older"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_recent_feed_holds_the_newest_fifty(client, fmt):
    records = [added(PublicationFactory(), day) for day in range(53)]

    feed = read(client, f"/feeds/recent.{fmt}")

    newest = sorted(records, key=lambda p: p.pk, reverse=True)[:50]
    assert [entry.id for entry in feed.entries] == [record_url(p) for p in newest]


@pytest.mark.parametrize("fmt", FORMATS)
def test_entry_has_citation_abstract_authors_date_and_categories(client, fmt):
    seed = seed_record_load()
    added(seed, 0)
    publication = PublicationFactory(
        title="Perforin & friends <in> cells",
        abstract="<p>Granules <i>kill</i>.</p><p>p &lt; 0.05 held.</p>",
        authors=[
            PersonFactory(given_names="Jan-Inge", family_name="Henter"),
            PersonFactory(given_names="AnnaCarin", family_name="Horne"),
        ],
    )
    publication.subjects.set([SubjectFactory(name="Immunology")])
    publication.keywords.set([KeywordFactory(term="Perforin")])
    added(publication, 1)

    feed = read(client, f"/feeds/recent.{fmt}")

    entry, seed_entry = feed.entries
    assert entry.title == "Perforin & friends <in> cells"
    assert entry.link == entry.id == record_url(publication)
    assert [author.name for author in entry.authors] == [
        "Jan-Inge Henter",
        "AnnaCarin Horne",
    ]
    assert entry.published_parsed[:3] == (2024, 1, 2)
    assert [tag.term for tag in entry.tags] == ["Immunology", "Perforin"]
    # The description is HTML (escaped text in paragraphs): the citation,
    # then the abstract's paragraphs.
    assert text_of(entry.summary) == [
        "Henter JI, Horne A (2020). Perforin & friends <in> cells. "
        f"{publication.venue.abbreviation}, 12(3), 45-67.",
        "Granules kill.",
        "p < 0.05 held.",
    ]
    # The seed record: its citation, DOI and abstract; its subjects and keyword.
    assert "Br J Haematol, 161(5), 609-22. https://doi.org/10.1111/bjh.12293" in (
        seed_entry.summary
    )
    assert "Haemophagocytic lymphohistiocytosis (HLH)" in seed_entry.summary
    assert [tag.term for tag in seed_entry.tags] == [
        "Hemic and Lymphatic Diseases",
        "Pathology",
        "Lymphohistiocytosis, Hemophagocytic",
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_feed_links_to_the_site_and_itself(client, fmt):
    feed = read(client, f"/feeds/recent.{fmt}")

    assert feed.feed.title == "Faculty Publications: recent additions"
    assert feed.feed.link == f"{BASE_URL}/"
    self_links = [link.href for link in feed.feed.links if link.rel == "self"]
    assert self_links == [f"{BASE_URL}/feeds/recent.{fmt}"]
    assert feed.entries == []


@pytest.fixture
def school():
    """A school with a department, and a division under the department."""
    school = DepartmentFactory(name="School of Medicine", slug="medicine")
    pediatrics = DepartmentFactory(name="Pediatrics", slug="pediatrics", parent=school)
    DepartmentFactory(name="Neonatology", slug="neonatology", parent=pediatrics)
    return school


@pytest.mark.parametrize("fmt", FORMATS)
def test_department_feed_includes_its_sub_units(client, fmt, school):
    elsewhere = DepartmentFactory(name="Law", slug="law")
    added(
        PublicationFactory(
            title="Division", departments=[Department.objects.get(slug="neonatology")]
        ),
        2,
    )
    added(
        PublicationFactory(
            title="Department", departments=[Department.objects.get(slug="pediatrics")]
        ),
        1,
    )
    added(PublicationFactory(title="Law", departments=[elsewhere]), 3)
    draft = PublicationFactory(
        status="draft", departments=[Department.objects.get(slug="pediatrics")]
    )

    pediatrics = read(client, f"/feeds/departments/pediatrics.{fmt}")
    medicine = read(client, f"/feeds/departments/medicine.{fmt}")
    neonatology = read(client, f"/feeds/departments/neonatology.{fmt}")

    assert [e.title for e in pediatrics.entries] == ["Division", "Department"]
    assert [e.title for e in medicine.entries] == ["Division", "Department"]
    assert [e.title for e in neonatology.entries] == ["Division"]
    assert draft.title not in {e.title for e in pediatrics.entries}
    assert pediatrics.feed.title == "Faculty Publications: Pediatrics"


@pytest.mark.parametrize("fmt", FORMATS)
def test_subject_feed_includes_narrower_subjects(client, fmt):
    medicine = SubjectFactory(name="Medicine", slug="medicine")
    diseases = Subject.objects.create(
        name="Diseases", slug="diseases", parent=medicine, depth=2
    )
    hemic = Subject.objects.create(
        name="Hemic Diseases", slug="hemic", parent=diseases, depth=3
    )
    other = SubjectFactory(name="Law", slug="law")
    for title, subject, day in [
        ("Narrowest", hemic, 1),
        ("Broad", medicine, 2),
        ("Other", other, 3),
    ]:
        publication = PublicationFactory(title=title)
        publication.subjects.set([subject])
        added(publication, day)

    assert [
        e.title for e in read(client, f"/feeds/subjects/medicine.{fmt}").entries
    ] == [
        "Broad",
        "Narrowest",
    ]
    assert [
        e.title for e in read(client, f"/feeds/subjects/diseases.{fmt}").entries
    ] == ["Narrowest"]


@pytest.mark.parametrize(
    "url",
    [
        "/feeds/departments/no-such-department.rss",
        "/feeds/departments/no-such-department.atom",
        "/feeds/subjects/no-such-subject.rss",
        "/feeds/subjects/no-such-subject.atom",
        "/feeds/recent.json",
    ],
)
def test_unknown_feed_returns_404(client, url):
    assert client.get(url).status_code == 404


def busy_feed(n: int) -> Department:
    """n records in a department, each with n authors, subjects and keywords."""
    department = DepartmentFactory(name="Busy", slug="busy")
    subjects = SubjectFactory.create_batch(n)
    keywords = KeywordFactory.create_batch(n)
    for day in range(n):
        publication = PublicationFactory(authors=n, departments=[department])
        publication.subjects.set(subjects)
        publication.keywords.set(keywords)
        added(publication, day)
    return department


@pytest.mark.parametrize("n", [1, 12])
@pytest.mark.parametrize("fmt", FORMATS)
def test_feeds_make_a_fixed_number_of_queries(
    client, n, fmt, django_assert_max_num_queries
):
    busy_feed(n)

    # 1 records with venue and type, 2 authorships with people, 3 subjects,
    # 4 keywords.
    with django_assert_max_num_queries(4):
        recent = client.get(f"/feeds/recent.{fmt}")
    # And first 1 the department, 2 the department tree.
    with django_assert_max_num_queries(6):
        department = client.get(
            reverse(f"publications:feed_department_{fmt}", args=["busy"])
        )

    for response in (recent, department):
        feed = feedparser.parse(response.content)
        assert len(feed.entries) == n
        assert all(len(entry.authors) == n for entry in feed.entries)
