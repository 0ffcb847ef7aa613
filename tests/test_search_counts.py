"""Counts of the whole collection kept beside the search index (per facet
value and per author): after any mix of writes they equal what a rebuild
counts from scratch, on either engine, and year ranges follow the dates."""

import pytest
from django.core.management import call_command
from django.db import transaction

from publications import services
from publications.models import Authorship, Keyword, Person, Publication
from publications.search import SearchFilters, counts_deferred, get_backend
from publications.search import counts as kept_counts
from publications.search.base import NEWEST
from publications.search.counts import AuthorIndex, collection_counts
from tests.factories import (
    DepartmentFactory,
    DocumentTypeFactory,
    KeywordFactory,
    PersonFactory,
    PublicationFactory,
    SubjectFactory,
)

pytestmark = pytest.mark.django_db


def kept() -> tuple:
    """The collection counts and every letter's author counts as kept."""
    total, facets = collection_counts()
    people = {
        person.slug: person.records
        for letter in [*"ABCDEFGHIJKLMNOPQRSTUVWXYZ", ""]
        for person in AuthorIndex(letter)[0:1000]
    }
    return total, facets, people


def test_kept_counts_equal_a_recount_after_many_kinds_of_writes(
    django_capture_on_commit_callbacks,
):
    school = DepartmentFactory(slug="school")
    unit = DepartmentFactory(slug="unit", parent=school)
    broad = SubjectFactory(slug="broad")
    narrow = SubjectFactory(slug="narrow", parent=broad, depth=2)
    keyword, other_keyword = KeywordFactory.create_batch(2)
    people = PersonFactory.create_batch(4)
    with django_capture_on_commit_callbacks(execute=True):
        records = [
            PublicationFactory(
                pub_year=2010 + n % 3,
                departments=[unit] if n % 2 else [school],
                authors=people[n % 3 : n % 3 + 2],
            )
            for n in range(6)
        ]
        for record in records[:4]:
            record.subjects.set([narrow])
            record.keywords.set([keyword])
        services.publication_save(publication=records[0])  # reindex after sets
        for record in records[1:4]:
            services.publication_save(publication=record)
    with django_capture_on_commit_callbacks(execute=True):
        services.publication_withdraw(publication=records[1], note="Withdrawn.")
        records[2].keywords.set([other_keyword])
        services.publication_save(publication=records[2])
        services.authorships_save(
            publication=records[3],
            authorships=[Authorship(person=people[3], name_as_printed="X Y")],
            deleted=list(records[3].authorships.all()),
        )
        records[4].status = Publication.Status.DRAFT
        services.publication_save(publication=records[4])

    before = kept()
    call_command("rebuild_search_index", verbosity=0)

    assert kept() == before
    total, facets, _ = before
    assert total == 4
    assert dict(facets["department"]) == {school.pk: 4, unit.pk: 2}
    assert dict(facets["subject"]) == {broad.pk: 3, narrow.pk: 3}
    assert dict(facets["keyword"]) == {keyword.pk: 2, other_keyword.pk: 1}
    assert sum(n for _, n in facets["year"]) == 4


def test_the_search_page_before_a_search_counts_exactly_what_it_lists(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        PublicationFactory.create_batch(3, pub_year=2011)
        withdrawn = PublicationFactory(pub_year=2012)
    with django_capture_on_commit_callbacks(execute=True):
        services.publication_withdraw(publication=withdrawn, note="Withdrawn.")

    response = client.get("/search/")

    result = response.context["result"]
    assert (result.total, result.estimated) == (3, False)
    assert result.facets["year"] == [(2011, 3)]
    assert len(response.context["page_obj"].object_list) == 3


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"year_from": 2013}, ["2013 Jan 1"]),
        ({"year_to": 2012}, ["2012", "2012 Dec 31"]),
        ({"year_from": 2012, "year_to": 2012}, ["2012", "2012 Dec 31"]),
    ],
)
def test_year_filters_take_whole_years_whatever_the_dates_precision(
    django_capture_on_commit_callbacks, filters, expected
):
    with django_capture_on_commit_callbacks(execute=True):
        PublicationFactory(title="2012", pub_year=2012)
        PublicationFactory(title="2012 Dec 31", pub_year=2012, pub_month=12, pub_day=31)
        PublicationFactory(title="2013 Jan 1", pub_year=2013, pub_month=1, pub_day=1)

    result = get_backend().search("", SearchFilters(**filters), NEWEST, 1, 25)

    titles = Publication.objects.filter(pk__in=result.ids).values_list(
        "title", flat=True
    )
    assert sorted(titles) == sorted(expected)
    assert result.total == len(expected)


def bulk_record(n: int, people, department, keyword) -> "services.NewPublication":
    return services.NewPublication(
        publication=Publication(
            title=f"Deferred record {n}",
            pub_year=2000 + n % 4,
            document_type=DocumentTypeFactory(),
            status=Publication.Status.PUBLISHED,
        ),
        authors=[
            services.AuthorInput(person=p, name_as_printed=p.family_name)
            for p in people
        ],
        departments=[department],
        keywords=[keyword, Keyword(term=f"Deferred only in {n}")],
    )


@pytest.mark.parametrize("people_limit", [100_000, 1])
def test_deferred_counts_are_written_on_leaving_and_equal_a_recount(
    monkeypatch, people_limit
):
    """Chunks indexed under counts_deferred() (as an import applies them):
    the counts stay as they were until the block ends, then agree with a
    rebuild; with a limit of one pending person they are written as they
    go, and agree all the same."""
    monkeypatch.setattr(kept_counts, "DEFERRED_PEOPLE_LIMIT", people_limit)
    department = DepartmentFactory(slug="unit")
    keyword = KeywordFactory()
    shared = PersonFactory()
    services.publications_create_bulk(
        records=[bulk_record(0, [shared], department, keyword)]
    )
    before = kept()

    with transaction.atomic(), counts_deferred():
        for chunk in range(3):
            services.publications_create_bulk(
                records=[
                    bulk_record(
                        chunk * 10 + n + 1,
                        [shared, Person(family_name=f"New{chunk}{n}", given_names="A")],
                        department,
                        keyword,
                    )
                    for n in range(2)
                ]
            )
        during = kept()
    after = kept()
    call_command("rebuild_search_index", verbosity=0)

    if people_limit > 1:
        assert during == before
    else:
        assert during != before
    assert after == kept()
    total, facets, people = after
    assert total == 7
    assert dict(facets["department"]) == {department.pk: 7}
    assert people[shared.slug] == 7


def test_deferred_counts_are_dropped_with_a_transaction_that_fails():
    department = DepartmentFactory(slug="unit")
    keyword = KeywordFactory()
    services.publications_create_bulk(
        records=[bulk_record(0, [PersonFactory()], department, keyword)]
    )
    before = kept()

    with pytest.raises(RuntimeError), transaction.atomic(), counts_deferred():
        services.publications_create_bulk(
            records=[bulk_record(1, [PersonFactory()], department, keyword)]
        )
        raise RuntimeError("a later row fails")

    assert kept() == before
    # Nothing gathered is left behind for the next writer.
    services.publications_create_bulk(
        records=[bulk_record(2, [PersonFactory()], department, keyword)]
    )
    assert kept()[0] == 2
    snapshot = kept()
    call_command("rebuild_search_index", verbosity=0)
    assert kept() == snapshot


def test_kept_counts_follow_bulk_imports_and_drop_values_left_with_none(
    django_capture_on_commit_callbacks,
):
    """Records created in bulk, as an import writes them (new people and
    keywords among them), then one withdrawn: the author and keyword it
    alone had leave the counts, as a rebuild would count them."""
    department = DepartmentFactory(slug="unit")
    shared_keyword = KeywordFactory()
    shared_person = PersonFactory()
    article = DocumentTypeFactory()

    def new(n: int, *extra_people: Person) -> services.NewPublication:
        return services.NewPublication(
            publication=Publication(
                title=f"Bulk record {n}",
                pub_year=2000 + n,
                document_type=article,
                status=Publication.Status.PUBLISHED,
            ),
            authors=[
                services.AuthorInput(person=p, name_as_printed=p.family_name)
                for p in (shared_person, *extra_people)
            ],
            departments=[department],
            keywords=[shared_keyword, Keyword(term=f"Only in {n}")],
        )

    only_in_last = Person(family_name="Zed", given_names="Una")
    services.publications_create_bulk(
        records=[new(1, Person(family_name="Able", given_names="Ann")), new(2)]
    )
    *_, last = services.publications_create_bulk(records=[new(3, only_in_last)])
    assert kept()[0] == 3
    with django_capture_on_commit_callbacks(execute=True):
        services.publication_withdraw(publication=last, note="Withdrawn.")

    before = kept()
    call_command("rebuild_search_index", verbosity=0)

    assert kept() == before
    total, facets, people = before
    assert total == 2
    assert dict(facets["department"]) == {department.pk: 2}
    assert dict(facets["keyword"])[shared_keyword.pk] == 2
    assert "Only in 3" not in set(
        Keyword.objects.filter(pk__in=dict(facets["keyword"])).values_list(
            "term", flat=True
        )
    )
    assert people[shared_person.slug] == 2
    assert only_in_last.slug not in people
