"""The browse pages: department and subject trees with counts that include
everything below, years, the A-Z author index, and one axis value's
records with the search page's sorts, filters and facets."""

import pytest
from django.db import connection

from publications import services
from publications.models import Department, Publication
from tests.factories import (
    DepartmentFactory,
    DocumentTypeFactory,
    KeywordFactory,
    PersonFactory,
    PublicationFactory,
    SubjectFactory,
)
from tests.html import parse_valid_html, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Records reach the search index when their transaction commits."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def catalogue(committed):
    """A school with a department and a division; a three-tier subject."""
    school = DepartmentFactory(name="School of Medicine", slug="medicine-school")
    pediatrics = DepartmentFactory(name="Pediatrics", slug="pediatrics", parent=school)
    division = DepartmentFactory(
        name="Hematology Division", slug="hematology-division", parent=pediatrics
    )
    DepartmentFactory(name="Empty Unit", slug="empty-unit", parent=school)
    health = SubjectFactory(name="Medicine and Health Sciences", slug="health")
    diseases = SubjectFactory(name="Diseases", slug="diseases", parent=health, depth=2)
    hemic = SubjectFactory(
        name="Hemic Diseases", slug="hemic", parent=diseases, depth=3
    )
    SubjectFactory(name="Unused Branch", slug="unused", parent=health, depth=2)
    person = PersonFactory(
        given_names="Jan-Inge",
        family_name="Henter",
        slug="henter",
        orcid="0000-0002-1825-0097",
    )
    person.departments.set([pediatrics])
    review = DocumentTypeFactory(name="Review", slug="review")
    keyword = KeywordFactory(term="Lymphohistiocytosis", slug="lymphohistiocytosis")
    with committed():
        in_division = PublicationFactory(
            title="Division record", pub_year=2013, departments=[division]
        )
        in_division.subjects.set([hemic])
        in_division.keywords.set([keyword])
        PublicationFactory(
            title="Department record",
            pub_year=2012,
            departments=[pediatrics],
            authors=[person],
            document_type=review,
        )
        PublicationFactory(
            title="Draft record",
            pub_year=2013,
            departments=[division],
            authors=[person],
            status=Publication.Status.DRAFT,
        )
    return {"person": person}


def test_department_tree_counts_records_of_sub_units_in_their_parents(
    client, catalogue
):
    response = client.get("/departments/")

    assert response.status_code == 200
    page = parse_valid_html(response.content)
    counts = {
        text(li.find("a")): text(li.find("span"))
        for li in page.iter("li")
        if li.find("span") is not None and li.find("a") is not None
    }
    assert counts["School of Medicine"] == "2"
    assert counts["Pediatrics"] == "2"
    assert counts["Hematology Division"] == "1"


def test_department_tree_nests_units_and_hides_units_without_records(client, catalogue):
    page = parse_valid_html(client.get("/departments/").content)

    school = next(
        li for li in page.iter("li") if text(li.find("a")) == "School of Medicine"
    )
    nested = [text(a) for a in school.iter("a")]
    assert nested == ["School of Medicine", "Pediatrics", "Hematology Division"]
    assert "Empty Unit" not in text(page)


def test_subject_tree_counts_narrower_subjects_and_hides_empty_branches(
    client, catalogue
):
    response = client.get("/subjects/")

    assert response.status_code == 200
    page = parse_valid_html(response.content)
    links = [text(a) for a in page.find(".//ul[@class='tree']").iter("a")]
    assert links == ["Medicine and Health Sciences", "Diseases", "Hemic Diseases"]
    assert "Unused Branch" not in text(page)
    assert response.context["nodes"][0].count == 1


def test_a_department_page_lists_its_sub_units_records_newest_first(client, catalogue):
    response = client.get("/departments/pediatrics/")

    assert response.status_code == 200
    page = parse_valid_html(response.content)
    titles = [text(h) for h in page.findall(".//ol[@class='entries']//h3")]
    assert titles == ["Division record", "Department record"]
    assert text(page.find(".//h1")) == "Pediatrics"


def test_a_department_page_is_narrowed_by_the_readers_filters(client, catalogue):
    response = client.get(
        "/departments/pediatrics/", {"type": "review", "sort": "oldest"}
    )

    assert response.context["result"].total == 1
    assert "Department record" in response.content.decode()
    facet_names = [facet.name for facet in response.context["facets"]]
    assert "department" not in facet_names
    assert "year" in facet_names


def test_a_department_in_the_query_string_cannot_replace_the_pages_own(
    client, catalogue
):
    response = client.get(
        "/departments/hematology-division/", {"department": "pediatrics"}
    )

    assert response.context["result"].total == 1


def test_a_subject_page_includes_narrower_subjects(client, catalogue):
    response = client.get("/subjects/health/")

    assert response.status_code == 200
    assert [pub.title for _, pub in response.context["page_obj"].object_list] == [
        "Division record"
    ]


def test_years_are_listed_newest_first_with_counts(client, catalogue):
    response = client.get("/years/")

    page = parse_valid_html(response.content)
    assert [text(li) for li in page.findall(".//ul[@class='years']/li")] == [
        "2013 1",
        "2012 1",
    ]


def test_a_year_page_lists_that_years_records(client, catalogue):
    response = client.get("/years/2012/")

    assert response.status_code == 200
    parse_valid_html(response.content)
    assert [pub.title for _, pub in response.context["page_obj"].object_list] == [
        "Department record"
    ]


def test_type_and_keyword_pages_list_their_records(client, catalogue):
    by_type = client.get("/types/review/")
    by_keyword = client.get("/keywords/lymphohistiocytosis/")

    assert by_type.context["result"].total == 1
    assert "Department record" in by_type.content.decode()
    assert by_keyword.context["result"].total == 1
    assert "Division record" in by_keyword.content.decode()
    parse_valid_html(by_keyword.content)


def test_the_author_index_lists_people_with_published_records_by_letter(
    client, catalogue
):
    PersonFactory(family_name="Hidden", slug="hidden")  # no records

    response = client.get("/authors/", {"letter": "h"})

    page = parse_valid_html(response.content)
    assert [text(li) for li in page.findall(".//ul[@class='authors']/li")] == [
        "Henter, Jan-Inge 1"
    ]
    assert list(client.get("/authors/").context["page_obj"].object_list) == []


def test_an_author_page_links_the_orcid_and_lists_departments(client, catalogue):
    response = client.get("/authors/henter/")

    assert response.status_code == 200
    page = parse_valid_html(response.content)
    hrefs = [a.get("href") for a in page.iter("a")]
    assert "https://orcid.org/0000-0002-1825-0097" in hrefs
    assert "/departments/pediatrics/" in hrefs
    assert response.context["result"].total == 1


@pytest.mark.parametrize(
    "url",
    [
        "/departments/nowhere/",
        "/subjects/nowhere/",
        "/types/nowhere/",
        "/keywords/nowhere/",
        "/authors/nowhere/",
        "/years/1999/",
        "/years/0000/",
        "/years/12345/",
        "/departments/pediatrics/?page=abc",
        "/departments/pediatrics/?page=0",
        "/departments/pediatrics/?page=2",
        "/departments/pediatrics/?page=99999999",
        "/authors/?letter=%C3%84",
        "/authors/?letter=AB",
        "/authors/?page=2",
        f"/departments/{'a' * 300}/",
    ],
)
def test_unknown_values_and_bad_pages_are_404(client, catalogue, url):
    assert client.get(url).status_code == 404


def test_an_author_named_only_on_a_draft_has_no_page(client, committed):
    person = PersonFactory(slug="drafter")
    with committed():
        PublicationFactory(status=Publication.Status.DRAFT, authors=[person])

    assert client.get("/authors/drafter/").status_code == 404


def test_a_bad_filter_on_a_browse_page_is_ignored_with_a_message(client, catalogue):
    response = client.get("/departments/pediatrics/", {"year_from": "twenty"})

    assert response.status_code == 200
    assert response.context["result"].total == 2
    assert any("From year" in m for m in response.context["messages_list"])


# Query budgets: the same for one record as for a full page of them.
# Trees: the collection's counts (kept beside the search index) + every
# department or subject. Years: the collection's counts.
# Axis pages: 1 (the axis value; for a year, the year counts) + the search
# (SQLite: summary, page; PostgreSQL: a savepoint pair, its settings, the
# sampled and the exact summary, the page) + 2 (records; their authorships)
# + 1 (facet names).
SEARCH = {"sqlite": 2, "postgresql": 6}


def many(committed, count):
    department = DepartmentFactory(slug="oncology")
    subject = SubjectFactory(slug="oncology-subject")
    person = PersonFactory(family_name="Able", slug="able")
    keyword = KeywordFactory(slug="tumour")
    with committed():
        for n in range(count):
            record = PublicationFactory(
                pub_year=2000 + n % 20,
                departments=[department, DepartmentFactory(parent=department)],
                authors=[person, *PersonFactory.create_batch(2)],
            )
            record.subjects.set([subject, SubjectFactory(parent=subject, depth=2)])
            record.keywords.set([keyword])


@pytest.mark.parametrize("count", [1, 30])
@pytest.mark.parametrize(
    ("url", "budget"),
    [
        ("/departments/", 2),
        ("/subjects/", 2),
        ("/years/", 1),
        ("/departments/oncology/", 1 + 2 + 1),
        ("/subjects/oncology-subject/", 1 + 2 + 1),
        ("/years/2000/", 1 + 2 + 1),
        ("/types/article/", 1 + 2 + 1),
        ("/keywords/tumour/", 1 + 2 + 1),
        # + 1 (their departments) + 1 (has a published record).
        ("/authors/able/", 1 + 1 + 1 + 2 + 1),
    ],
)
def test_browse_pages_make_a_fixed_number_of_queries(
    client, committed, django_assert_max_num_queries, count, url, budget
):
    many(committed, count)
    searched = url not in ("/departments/", "/subjects/", "/years/")

    with django_assert_max_num_queries(
        budget + (SEARCH[connection.vendor] if searched else 0)
    ):
        response = client.get(url)

    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 30])
def test_the_author_index_makes_a_fixed_number_of_queries(
    client, committed, django_assert_max_num_queries, count
):
    many(committed, count)

    # The count of people under the letter; one page of them with counts,
    # both from the author counts kept beside the search index.
    with django_assert_max_num_queries(2):
        response = client.get("/authors/", {"letter": "A"})

    able = next(p for p in response.context["page_obj"].object_list if p.slug == "able")
    assert able.records == count


def test_family_names_beyond_a_to_z_are_under_other(client, committed):
    person = PersonFactory(given_names="Anders", family_name="Ångström", slug="ang")
    with committed():
        PublicationFactory(authors=[person])

    other = client.get("/authors/", {"letter": "other"})
    under_a = client.get("/authors/", {"letter": "A"})

    assert [p.slug for p in other.context["page_obj"].object_list] == ["ang"]
    assert list(under_a.context["page_obj"].object_list) == []
    parse_valid_html(other.content)


def test_tree_and_year_counts_follow_a_withdrawal(client, committed, catalogue):
    division_record = Publication.objects.get(title="Division record")

    with committed():
        services.publication_withdraw(publication=division_record, note="Retracted.")

    tree = {
        node.name: node.count for node in client.get("/departments/").context["nodes"]
    }
    assert tree == {"School of Medicine": 1}
    assert client.get("/departments/").context["nodes"][0].children[0].count == 1
    assert client.get("/years/").context["years"] == [(2012, 1)]
    assert client.get("/years/2013/").status_code == 404
    assert client.get("/subjects/").context["nodes"] == []


def test_a_browse_page_counts_a_record_published_after_it_was_shown(
    client, committed, catalogue
):
    before = client.get("/departments/pediatrics/").context["result"].total
    with committed():
        PublicationFactory(
            title="Later record",
            departments=[DepartmentFactory(slug="hematology-division")],
        )

    after = client.get("/departments/pediatrics/")

    assert (before, after.context["result"].total) == (2, 3)
    assert "Later record" in after.content.decode()


def test_tree_and_index_links_are_the_pages_own_urls(client, catalogue):
    tree = parse_valid_html(client.get("/departments/").content)
    index = parse_valid_html(client.get("/authors/", {"letter": "H"}).content)

    assert [a.get("href") for a in tree.find(".//ul[@class='tree']").iter("a")] == [
        Department.objects.get(slug=slug).get_absolute_url()
        for slug in ("medicine-school", "pediatrics", "hematology-division")
    ]
    assert [a.get("href") for a in index.find(".//ul[@class='authors']").iter("a")] == [
        catalogue["person"].get_absolute_url()
    ]


def test_listed_records_link_to_their_record_pages(client, catalogue):
    page = parse_valid_html(client.get("/departments/pediatrics/").content)

    hrefs = [a.get("href") for a in page.findall(".//ol[@class='entries']//h3/a")]
    assert hrefs == [
        Publication.objects.get(title=title).get_absolute_url()
        for title in ("Division record", "Department record")
    ]
