"""The record admin through its forms: ordered authors, identifier and date
messages, audit history, changelist search and its query budget."""

import pytest
from django.urls import reverse

from publications import services
from publications.models import Authorship, Publication
from tests.factories import (
    DepartmentFactory,
    DocumentTypeFactory,
    PersonFactory,
    PublicationFactory,
    SubjectFactory,
)

ADD_URL = "admin:publications_publication_add"
CHANGELIST_URL = "admin:publications_publication_changelist"


def change_url(publication: Publication) -> str:
    return reverse("admin:publications_publication_change", args=[publication.pk])


def history_url(publication: Publication) -> str:
    return reverse("admin:publications_publication_history", args=[publication.pk])


def inline_management(prefix: str, total: int, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def author_rows(rows: list[dict]) -> dict:
    """Author inline rows; a row is {"person", "position"} and may carry
    "id" (an existing author), "name" (as printed) and "delete"."""
    data = inline_management(
        "authorships", len(rows), sum(1 for row in rows if row.get("id"))
    )
    for index, row in enumerate(rows):
        prefix = f"authorships-{index}"
        data[f"{prefix}-id"] = str(row.get("id", ""))
        data[f"{prefix}-person"] = str(row["person"].pk)
        data[f"{prefix}-position"] = str(row.get("position", ""))
        data[f"{prefix}-name_as_printed"] = row.get("name", "")
        data[f"{prefix}-affiliation"] = ""
        if row.get("delete"):
            data[f"{prefix}-DELETE"] = "on"
    return data


def record_post(publication: Publication | None = None, authors=(), **fields) -> dict:
    """The POST of the record form: the record's current values (or a new
    draft's), `fields` on top, the given author rows, empty other inlines."""
    if publication is None:
        values = {
            "title": "A new record",
            "document_type": DocumentTypeFactory().pk,
            "status": Publication.Status.DRAFT,
            "pub_year": 2013,
        }
    else:
        values = {
            name: getattr(publication, name)
            for name in ("title", "status", "pub_year", "doi", "pmid", "pmcid")
        }
        values["document_type"] = publication.document_type_id
        values["venue"] = publication.venue_id
        values["withdrawal_note"] = publication.withdrawal_note
    values.update(fields)
    data = {name: "" if value is None else str(value) for name, value in values.items()}
    data.update(author_rows(list(authors)))
    data.update(inline_management("department_links", 0))
    data.update(inline_management("related_links", 0))
    return data


def stored_authors(publication: Publication) -> list[str]:
    return list(
        publication.authorships.order_by("position").values_list(
            "name_as_printed", flat=True
        )
    )


def form_errors(response) -> dict:
    assert response.status_code == 200, "the form was accepted"
    return response.context["adminform"].form.errors


@pytest.fixture
def people():
    return PersonFactory.create_batch(3)


@pytest.mark.django_db
def test_the_add_page_offers_empty_author_rows_with_position_boxes(admin_client):
    response = admin_client.get(reverse(ADD_URL))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="authorships-2-position"' in html
    assert 'name="authorships-2-person"' in html


@pytest.mark.django_db
def test_a_record_is_created_with_three_authors_in_the_entered_order(
    admin_client, admin_user, people
):
    first, second, third = people
    response = admin_client.post(
        reverse(ADD_URL),
        record_post(
            title="Hemophagocytic lymphohistiocytosis",
            pub_month=6,
            authors=[
                {"person": first, "position": 2, "name": "Second A"},
                {"person": second, "position": 3, "name": "Third B"},
                {"person": third, "position": 1, "name": "First C"},
            ],
        ),
    )
    assert response.status_code == 302, response.context and form_errors(response)
    publication = Publication.objects.get()
    assert (publication.title, publication.date_sort) == (
        "Hemophagocytic lymphohistiocytosis",
        20130600,
    )
    assert stored_authors(publication) == ["First C", "Second A", "Third B"]
    assert list(
        publication.authorships.order_by("position").values_list("position", flat=True)
    ) == [1, 2, 3]
    assert publication.history.get().history_user == admin_user


def authored_record(people) -> Publication:
    publication = PublicationFactory()
    services.authorships_save(
        publication=publication,
        authorships=[
            Authorship(person=person, name_as_printed=name)
            for person, name in zip(
                people, ["Ames A", "Baker B", "Cole C"], strict=True
            )
        ],
    )
    return publication


def current_rows(publication: Publication) -> list[dict]:
    return [
        {
            "id": a.pk,
            "person": a.person,
            "position": a.position,
            "name": a.name_as_printed,
        }
        for a in publication.authorships.select_related("person").order_by("position")
    ]


@pytest.mark.django_db
def test_authors_are_reordered_by_their_position_numbers(admin_client, people):
    publication = authored_record(people)
    rows = current_rows(publication)
    for row, position in zip(rows, [3, 1, 2], strict=True):
        row["position"] = position
    response = admin_client.post(
        change_url(publication), record_post(publication, rows)
    )
    assert response.status_code == 302, form_errors(response)
    assert stored_authors(publication) == ["Baker B", "Cole C", "Ames A"]


@pytest.mark.django_db
def test_equal_or_blank_positions_keep_the_order_of_the_rows(admin_client, people):
    publication = authored_record(people)
    rows = current_rows(publication)
    rows[0]["position"], rows[1]["position"], rows[2]["position"] = "", 1, 1
    response = admin_client.post(
        change_url(publication), record_post(publication, rows)
    )
    assert response.status_code == 302, form_errors(response)
    assert stored_authors(publication) == ["Baker B", "Cole C", "Ames A"]


@pytest.mark.django_db
def test_an_author_is_removed_and_the_others_close_up(admin_client, people):
    publication = authored_record(people)
    rows = current_rows(publication)
    rows[0]["delete"] = True
    response = admin_client.post(
        change_url(publication), record_post(publication, rows)
    )
    assert response.status_code == 302, form_errors(response)
    assert list(
        publication.authorships.order_by("position").values_list(
            "name_as_printed", "position"
        )
    ) == [("Baker B", 1), ("Cole C", 2)]


@pytest.mark.django_db
def test_an_author_is_added_at_the_end_when_no_position_is_given(admin_client, people):
    publication = authored_record(people)
    rows = current_rows(publication)
    rows.append({"person": PersonFactory(), "name": "Dunn D"})
    response = admin_client.post(
        change_url(publication), record_post(publication, rows)
    )
    assert response.status_code == 302, form_errors(response)
    assert stored_authors(publication) == ["Ames A", "Baker B", "Cole C", "Dunn D"]


@pytest.mark.django_db
def test_a_duplicate_doi_is_refused_naming_the_record_that_has_it(admin_client):
    existing = PublicationFactory(title="The first record", doi="10.1111/bjh.12293")
    response = admin_client.post(
        reverse(ADD_URL), record_post(doi="https://doi.org/10.1111/BJH.12293")
    )
    assert form_errors(response)["doi"] == [
        f"DOI 10.1111/bjh.12293 is already used by record #{existing.pk}, "
        "“The first record”."
    ]
    assert Publication.objects.count() == 1


@pytest.mark.django_db
def test_a_duplicate_pubmed_id_is_refused_naming_the_record_that_has_it(admin_client):
    existing = PublicationFactory(title="The first record", pmid="23573877")
    other = PublicationFactory()
    response = admin_client.post(change_url(other), record_post(other, pmid="23573877"))
    assert form_errors(response)["pmid"] == [
        f"PubMed ID 23573877 is already used by record #{existing.pk}, "
        "“The first record”."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"doi": "bjh.12293"}, "doi", "“bjh.12293” is not a DOI."),
        ({"pmid": "PM123"}, "pmid", "“PM123” is not a PubMed ID."),
        ({"pub_month": 2, "pub_day": 30}, "pub_day", "Feb 2013 has no day 30."),
        ({"pub_month": 13}, "pub_month", "13 is not a month (1 to 12)."),
        ({"pub_day": 4}, "pub_day", "A day needs a month."),
    ],
)
def test_a_bad_identifier_or_date_gets_the_fields_message(
    admin_client, fields, field, message
):
    response = admin_client.post(reverse(ADD_URL), record_post(**fields))
    assert message in " ".join(form_errors(response)[field])
    assert not Publication.objects.exists()


@pytest.mark.django_db
def test_withdrawing_in_the_form_needs_a_note(admin_client):
    publication = PublicationFactory()
    response = admin_client.post(
        change_url(publication), record_post(publication, status="withdrawn")
    )
    assert form_errors(response)["withdrawal_note"] == [
        "Say why the record is withdrawn; readers see this note."
    ]
    publication.refresh_from_db()
    assert publication.status == Publication.Status.PUBLISHED


@pytest.mark.django_db
def test_publishing_in_the_form_is_recorded_with_its_reason(admin_client):
    publication = PublicationFactory(status=Publication.Status.DRAFT)
    response = admin_client.post(
        change_url(publication), record_post(publication, status="published")
    )
    assert response.status_code == 302, form_errors(response)
    publication.refresh_from_db()
    assert publication.first_published_at is not None
    assert publication.history.latest().history_change_reason == "Published"


@pytest.mark.django_db
def test_a_person_with_a_bad_orcid_is_refused_with_the_fields_message(admin_client):
    response = admin_client.post(
        reverse("admin:publications_person_add"),
        {
            "given_names": "Jan-Inge",
            "family_name": "Henter",
            "orcid": "https://orcid.org/0000-0002-1825-0098",
            "departments": [],
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["orcid"] == [
        "“https://orcid.org/0000-0002-1825-0098” is not a valid ORCID iD: its "
        "check digit does not match. Check for a mistyped digit."
    ]


@pytest.mark.django_db
def test_a_person_is_saved_with_an_orcid_pasted_as_a_link(admin_client):
    response = admin_client.post(
        reverse("admin:publications_person_add"),
        {
            "given_names": "Jan-Inge",
            "family_name": "Henter",
            "orcid": "https://orcid.org/0000-0002-1825-0097",
        },
    )
    assert response.status_code == 302
    person = PersonFactory._meta.model.objects.get()
    assert (person.orcid, person.slug) == ("0000-0002-1825-0097", "henter-jan-inge")


@pytest.mark.django_db
def test_the_history_page_shows_who_changed_which_field_from_what_to_what(
    admin_client, admin_user, people
):
    publication = authored_record(people)
    rows = current_rows(publication)
    rows[0]["position"], rows[1]["position"] = 2, 1
    response = admin_client.post(
        change_url(publication),
        record_post(publication, rows, title="A corrected title", volume="161"),
    )
    assert response.status_code == 302, form_errors(response)

    latest = publication.history.latest()
    assert latest.history_user == admin_user
    changed = {
        change.field: (change.old, change.new)
        for change in latest.diff_against(latest.prev_record).changes
    }
    assert changed["title"] == (publication.title, "A corrected title")

    page = admin_client.get(history_url(publication))
    assert page.status_code == 200
    shown = [
        (entry.history_user, change["field"], change["old"], change["new"])
        for entry in page.context["page_obj"].object_list
        for change in getattr(entry, "history_delta_changes", [])
    ]
    assert (admin_user, "Title", publication.title, "A corrected title") in shown
    assert (admin_user, "Volume", "12", "161") in shown
    html = page.content.decode()
    assert "A corrected title" in html and publication.title in html
    authors = page.context["related_changes"]
    moved = [c for c in authors if c.action == "Changed"]
    assert {(c.row, c.user) for c in moved} == {
        ("Ames A (position 2)", admin_user),
        ("Baker B (position 1)", admin_user),
    }
    ames = next(c for c in moved if c.row.startswith("Ames"))
    assert [(c.field, c.old, c.new) for c in ames.changes] == [("Position", "1", "2")]
    assert "Ames A (position 2)" in html


@pytest.mark.django_db
def test_the_history_page_lists_removed_authors_and_added_departments(
    admin_client, admin_user, people
):
    publication = authored_record(people)
    department = DepartmentFactory(name="Department of Pediatrics")
    rows = current_rows(publication)
    rows[2]["delete"] = True
    data = record_post(publication, rows)
    data.update(inline_management("department_links", 1))
    data["department_links-0-department"] = str(department.pk)
    data["department_links-0-position"] = "1"
    response = admin_client.post(change_url(publication), data)
    assert response.status_code == 302, form_errors(response)

    changes = admin_client.get(history_url(publication)).context["related_changes"]
    summary = {(c.kind, c.action, c.row, str(c.user)) for c in changes}
    assert ("Author", "Removed", "Cole C (position 3)", str(admin_user)) in summary
    assert (
        "Department",
        "Added",
        "Department of Pediatrics",
        str(admin_user),
    ) in summary


@pytest.mark.django_db
def test_a_withdrawal_shows_in_the_history_with_its_reason_and_note(admin_client):
    publication = PublicationFactory()
    services.publication_withdraw(publication=publication, note="Retracted.")
    html = admin_client.get(history_url(publication)).content.decode()
    assert "Withdrawn" in html and "Retracted." in html


@pytest.mark.django_db
def test_a_history_page_of_no_record_is_not_found(admin_client):
    url = reverse("admin:publications_publication_history", args=["nothing"])
    assert admin_client.get(url).status_code == 404


@pytest.mark.django_db
def test_a_published_record_links_to_its_page_and_a_draft_to_a_preview(admin_client):
    published = PublicationFactory()
    draft = PublicationFactory(status=Publication.Status.DRAFT)
    published_page = admin_client.get(change_url(published)).content.decode()
    draft_page = admin_client.get(change_url(draft)).content.decode()
    assert "View on site" in published_page and "Preview" not in published_page
    assert f'href="{draft.get_absolute_url()}"' in draft_page
    assert "Preview" in draft_page and "View on site" not in draft_page


@pytest.mark.django_db
def test_the_changelist_shows_partial_dates_as_sources_print_them(admin_client):
    PublicationFactory(title="Dated record", pub_year=2013, pub_month=6)
    response = admin_client.get(reverse(CHANGELIST_URL))
    assert "2013 Jun" in response.content.decode()


def changelist_queries(client, count, django_assert_max_num_queries, **filters):
    """The changelist of `count` records, each with authors, a department and
    a subject, within one query budget."""
    department, subject = DepartmentFactory(), SubjectFactory()
    for _ in range(count):
        publication = PublicationFactory(authors=2, departments=[department])
        publication.subjects.add(subject)
    # session, user; the choices of the type, department and subject filters;
    # the year filter's years of drafts and withdrawn records, and of
    # published ones (both cached after the first request); COUNT; the page.
    with django_assert_max_num_queries(9):
        response = client.get(reverse(CHANGELIST_URL), filters)
    assert response.status_code == 200
    return response


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 40])
def test_the_changelist_makes_the_same_queries_for_few_or_many_records(
    admin_client, django_assert_max_num_queries, count
):
    response = changelist_queries(admin_client, count, django_assert_max_num_queries)
    assert response.context["cl"].result_count == count


@pytest.mark.django_db
def test_the_year_filter_offers_the_years_of_drafts_and_published_records(
    admin_client,
):
    PublicationFactory(pub_year=2013)
    PublicationFactory(pub_year=2009, status=Publication.Status.DRAFT)
    response = admin_client.get(reverse(CHANGELIST_URL), {"year": "2009"})
    year_filter = next(
        spec
        for spec in response.context["cl"].filter_specs
        if getattr(spec, "parameter_name", None) == "year"
    )
    assert [value for value, _ in year_filter.lookup_choices] == ["2013", "2009"]
    assert response.context["cl"].result_count == 1


@pytest.mark.django_db
def test_a_bad_year_in_the_changelist_query_is_not_an_error_page(admin_client):
    PublicationFactory(pub_year=2013)
    response = admin_client.get(reverse(CHANGELIST_URL), {"year": "twenty"})
    assert response.status_code == 302
    assert response.url.endswith("?e=1")


@pytest.mark.django_db
def test_the_subject_filter_includes_narrower_subjects(admin_client):
    broad = SubjectFactory(name="Medicine and Health Sciences")
    narrow = SubjectFactory(name="Diseases", parent=broad, depth=2)
    narrower = SubjectFactory(name="Hemic Diseases", parent=narrow, depth=3)
    inside = PublicationFactory(title="Inside")
    inside.subjects.add(narrower)
    PublicationFactory(title="Outside").subjects.add(SubjectFactory())
    response = admin_client.get(reverse(CHANGELIST_URL), {"subject": broad.pk})
    assert [p.title for p in response.context["cl"].result_list] == ["Inside"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "term",
    [
        "https://doi.org/10.1111/BJH.12293",
        "10.1111/bjh.12293",
        "doi:10.1111/bjh.12293",
        "23573877",
        "PMID: 23573877",
        "PMC3456789",
    ],
)
def test_searching_an_identifier_finds_its_record_exactly(admin_client, term):
    PublicationFactory(
        title="Wanted",
        doi="10.1111/bjh.12293",
        pmid="23573877",
        pmcid="PMC3456789",
    )
    PublicationFactory(title="Another record", doi="10.1111/bjh.12294")
    response = admin_client.get(reverse(CHANGELIST_URL), {"q": term})
    assert [p.title for p in response.context["cl"].result_list] == ["Wanted"]


@pytest.mark.django_db
def test_searching_words_matches_titles_and_author_names_once_each(admin_client):
    henter = PersonFactory(family_name="Henter", given_names="Jan-Inge")
    PublicationFactory(title="Lymphohistiocytosis in children", authors=[henter])
    PublicationFactory(title="A record by Henter twice", authors=[henter, henter])
    PublicationFactory(title="Unrelated")
    titles = [
        p.title
        for p in admin_client.get(reverse(CHANGELIST_URL), {"q": "henter"})
        .context["cl"]
        .result_list
    ]
    assert sorted(titles) == [
        "A record by Henter twice",
        "Lymphohistiocytosis in children",
    ]


@pytest.mark.django_db
def test_people_are_found_for_the_author_box_by_name_or_orcid(admin_client):
    PersonFactory(family_name="Henter", orcid="0000-0002-1825-0097")
    PersonFactory(family_name="Other")
    url = reverse("admin:publications_person_changelist")
    for term in ["henter", "https://orcid.org/0000-0002-1825-0097"]:
        names = [
            p.family_name
            for p in admin_client.get(url, {"q": term}).context["cl"].result_list
        ]
        assert names == ["Henter"]
