"""The search contract, on whichever database the suite runs (SQLite FTS5 or
PostgreSQL): the same expectations of both engines, through /search/."""

import io

import pytest
from django.core.management import call_command

from publications import services
from publications.models import Department, Publication
from tests.factories import (
    DepartmentFactory,
    DocumentTypeFactory,
    KeywordFactory,
    PersonFactory,
    PublicationFactory,
    SubjectFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db

SEARCH = "/search/"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Writes inside `with committed():` reach the index as at commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def titles(response) -> list[str]:
    assert response.status_code == 200
    return [publication.title for _, publication in response.context["page_obj"]]


def search(client, **params):
    return client.get(SEARCH, params)


def test_a_title_match_ranks_above_an_abstract_only_match(client, committed):
    with committed():
        PublicationFactory(
            title="Cohort outcomes in children",
            abstract="<p>We followed a lymphoma cohort for ten years.</p>",
        )
        PublicationFactory(title="Lymphoma in children", abstract="<p>Outcomes.</p>")
        PublicationFactory(title="Unrelated", abstract="<p>Nothing here.</p>")

    response = search(client, q="lymphoma")

    assert titles(response) == ["Lymphoma in children", "Cohort outcomes in children"]
    assert response.context["result"].total == 2


def test_a_quoted_phrase_needs_its_words_together_and_in_order(client, committed):
    with committed():
        PublicationFactory(title="Bone marrow transplantation outcomes")
        PublicationFactory(title="Marrow of the bone: a transplantation review")

    assert titles(search(client, q='"bone marrow"')) == [
        "Bone marrow transplantation outcomes"
    ]
    assert len(titles(search(client, q="bone marrow"))) == 2


def test_a_dash_inside_quotes_is_punctuation_on_both_engines(client, committed):
    with committed():
        PublicationFactory(title="Sepsis in neonates")
        PublicationFactory(title="Asthma in adults")

    assert titles(search(client, q='"-sepsis"')) == ["Sepsis in neonates"]
    assert titles(search(client, q='"in -neonates"')) == ["Sepsis in neonates"]


def test_or_finds_records_with_either_word(client, committed):
    with committed():
        PublicationFactory(title="Asthma in adults")
        PublicationFactory(title="Eczema in adults")
        PublicationFactory(title="Migraine in adults")

    assert sorted(titles(search(client, q="asthma or eczema"))) == [
        "Asthma in adults",
        "Eczema in adults",
    ]


def test_a_minus_sign_excludes_records_with_the_word(client, committed):
    with committed():
        PublicationFactory(title="Sepsis in neonates")
        PublicationFactory(title="Sepsis in adults")

    assert titles(search(client, q="sepsis -neonates")) == ["Sepsis in adults"]


def test_words_match_their_other_forms_and_accents(client, committed):
    with committed():
        PublicationFactory(title="Studies of González syndrome")

    assert titles(search(client, q="study gonzalez")) == [
        "Studies of González syndrome"
    ]


def test_authors_keywords_subjects_and_venue_are_searched(client, committed):
    person = PersonFactory(given_names="Jan-Inge", family_name="Henter")
    keyword = KeywordFactory(term="Lymphohistiocytosis")
    subject = SubjectFactory(name="Hematology")
    with committed():
        publication = PublicationFactory(title="A record", authors=[person])
        publication.keywords.set([keyword])
        publication.subjects.set([subject])

    for query in ("henter", "lymphohistiocytosis", "hematology"):
        assert titles(search(client, q=query)) == ["A record"], query
    venue_word = publication.venue.title.split()[-2]  # "Examples"
    assert titles(search(client, q=venue_word)) == ["A record"]


def test_relevance_weighs_title_then_authors_and_keywords_then_abstract_then_venue(
    client, committed
):
    """The same word in one part of each record, everything else alike."""
    with committed():
        in_venue = PublicationFactory(
            title="Record one", venue=VenueFactory(title="Zebrafish Letters")
        )
        in_abstract = PublicationFactory(
            title="Record two", abstract="<p>Zebrafish larvae.</p>"
        )
        in_keyword = PublicationFactory(title="Record three")
        in_keyword.keywords.set([KeywordFactory(term="Zebrafish")])
        in_author = PublicationFactory(
            title="Record four",
            authors=[PersonFactory(given_names="Ann", family_name="Zebrafish")],
        )
        PublicationFactory(title="Zebrafish models")

    ranked = titles(search(client, q="zebrafish", sort="relevance"))

    assert ranked[0] == "Zebrafish models"
    assert set(ranked[1:3]) == {in_keyword.title, in_author.title}
    assert ranked[3:] == [in_abstract.title, in_venue.title]


def test_filters_narrow_the_results(client, committed):
    school = DepartmentFactory(name="School of Medicine", slug="medicine")
    pediatrics = DepartmentFactory(name="Pediatrics", slug="pediatrics", parent=school)
    surgery = DepartmentFactory(name="Surgery", slug="surgery")
    broad = SubjectFactory(name="Medicine", slug="medicine-subject")
    narrow = SubjectFactory(name="Oncology", slug="oncology", parent=broad, depth=2)
    keyword = KeywordFactory(term="Anemia", slug="anemia")
    review = DocumentTypeFactory(name="Review", slug="review")
    author = PersonFactory(slug="henter-jan-inge")
    with committed():
        first = PublicationFactory(
            title="Anemia one",
            pub_year=2010,
            departments=[pediatrics],
            authors=[author],
        )
        first.subjects.set([narrow])
        first.keywords.set([keyword])
        PublicationFactory(
            title="Anemia two",
            pub_year=2015,
            departments=[surgery],
            document_type=review,
        )
        PublicationFactory(title="Anemia three", pub_year=2020)

    def found(**filters):
        return sorted(titles(search(client, q="anemia", **filters)))

    assert found() == ["Anemia one", "Anemia three", "Anemia two"]
    assert found(department="medicine") == ["Anemia one"]  # through its sub-unit
    assert found(department="pediatrics") == ["Anemia one"]
    assert found(department="surgery") == ["Anemia two"]
    assert found(subject="medicine-subject") == ["Anemia one"]  # narrower subject
    assert found(keyword="anemia") == ["Anemia one"]
    assert found(type="review") == ["Anemia two"]
    assert found(author="henter-jan-inge") == ["Anemia one"]
    assert found(year_from=2012) == ["Anemia three", "Anemia two"]
    assert found(year_to=2015) == ["Anemia one", "Anemia two"]
    assert found(year_from=2012, year_to=2016) == ["Anemia two"]
    # Filters without a query list records too.
    assert sorted(titles(search(client, department="medicine"))) == ["Anemia one"]


def test_facet_counts_describe_the_filtered_results(client, committed):
    department = DepartmentFactory(name="Cardiology", slug="cardiology")
    keyword = KeywordFactory(term="Arrhythmia", slug="arrhythmia")
    with committed():
        for year in (2001, 2001, 2002):
            record = PublicationFactory(
                title="Heart rhythm", pub_year=year, departments=[department]
            )
            record.keywords.set([keyword])
        PublicationFactory(title="Heart valves", pub_year=2003)

    response = search(client, q="heart", year_to=2002)

    facets = {facet.name: facet for facet in response.context["facets"]}
    assert [(v.label, v.count) for v in facets["year"].values] == [
        ("2002", 1),
        ("2001", 2),
    ]
    assert [(v.label, v.count) for v in facets["department"].values] == [
        ("Cardiology", 3)
    ]
    assert [(v.label, v.count) for v in facets["keyword"].values] == [("Arrhythmia", 3)]
    assert [(v.label, v.count) for v in facets["type"].values] == [("Article", 3)]
    link = facets["department"].values[0].url
    assert "department=cardiology" in link and "q=heart" in link
    assert not response.context["result"].estimated


def test_facet_links_add_a_filter_and_active_filters_can_be_removed(client, committed):
    department = DepartmentFactory(name="Neurology", slug="neurology")
    with committed():
        PublicationFactory(title="Stroke care", departments=[department])
        PublicationFactory(title="Stroke rehabilitation")
    facet = search(client, q="stroke").context["facets"][0]
    assert facet.name == "department"

    narrowed = client.get(facet.values[0].url)

    assert titles(narrowed) == ["Stroke care"]
    (active,) = narrowed.context["active_filters"]
    assert active.label == "Department: Neurology"
    assert sorted(titles(client.get(active.remove_url))) == [
        "Stroke care",
        "Stroke rehabilitation",
    ]


def test_excerpts_escape_the_record_and_mark_only_the_term(client, committed):
    with committed():
        PublicationFactory(
            title="<script>alert(1)</script> & zebrafish models",
            abstract="<p>Fish &amp; <i>zebrafish</i> &lt;b&gt; larvae.</p>",
        )

    response = search(client, q="zebrafish")

    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; <mark>zebrafish</mark>" in html
    ((hit, _),) = response.context["page_obj"]
    assert hit.snippet_html.count("<mark>") == 1
    assert "<mark>zebrafish</mark>" in hit.snippet_html
    assert "&lt;b&gt;" in hit.snippet_html
    assert "<mark>" not in hit.title_html.replace("<mark>zebrafish</mark>", "")


def reasons_of(response) -> dict[str, tuple]:
    """{title: (matched authors, matched keywords)} as the hits carry them."""
    return {
        entry.title: (
            tuple(hit.reasons.authors) if hit.reasons else (),
            tuple(hit.reasons.keywords) if hit.reasons else (),
        )
        for hit, entry in response.context["page_obj"]
    }


def test_a_hit_says_which_authors_and_keywords_it_matched_on(client, committed):
    horne = PersonFactory(given_names="Annacarin", family_name="Horne")
    henter = PersonFactory(given_names="Jan-Inge", family_name="Henter")
    with committed():
        record = PublicationFactory(
            title="Treatment protocols in children", authors=[henter, horne]
        )
        record.keywords.set(
            [
                KeywordFactory(term="Lymphohistiocytosis, Hemophagocytic"),
                KeywordFactory(term="Child"),
            ]
        )
        PublicationFactory(
            title="Horne and the history of treatment",
            authors=[PersonFactory(given_names="Ada", family_name="Lovelace")],
        )

    by_family = reasons_of(search(client, q="horne"))
    by_given = reasons_of(search(client, q="jan-inge"))
    by_keyword = reasons_of(search(client, q="lymphohistiocytosis"))
    both = reasons_of(search(client, q="henter or hemophagocytic"))

    assert by_family == {
        "Treatment protocols in children": (("<mark>Horne</mark> A",), ()),
        # Found by its title alone: nothing more to say.
        "Horne and the history of treatment": ((), ()),
    }
    # The printed name holds only initials: the full name says what matched.
    ((authors, keywords),) = by_given.values()
    assert len(authors) == 1 and authors[0].startswith("Henter J (")
    assert "<mark>" in authors[0] and keywords == ()
    assert by_keyword == {
        "Treatment protocols in children": (
            (),
            ("<mark>Lymphohistiocytosis</mark>, Hemophagocytic",),
        )
    }
    assert both == {
        "Treatment protocols in children": (
            ("<mark>Henter</mark> J",),
            ("Lymphohistiocytosis, <mark>Hemophagocytic</mark>",),
        )
    }
    page = search(client, q="horne").content.decode()
    assert "Matched author: <mark>Horne</mark> A" in page


def test_matched_keywords_follow_the_index_stemming_and_are_escaped(client, committed):
    with committed():
        record = PublicationFactory(title="A review")
        record.keywords.set([KeywordFactory(term="Tumours <b>& cells</b>")])

    ((_, keywords),) = reasons_of(search(client, q="tumour")).values()

    assert keywords == ("<mark>Tumours</mark> &lt;b&gt;&amp; cells&lt;/b&gt;",)


def test_a_dash_inside_a_phrase_marks_no_author_that_lacks_the_word(client, committed):
    with committed():
        PublicationFactory(title="Treatment protocols", authors=2)

    response = search(client, q='"treatment -protocols"')

    assert reasons_of(response) == {"Treatment protocols": ((), ())}


def test_matched_keywords_are_listed_by_term(client, committed):
    with committed():
        record = PublicationFactory(title="A review")
        record.keywords.set(
            [
                KeywordFactory(term="Zebrafish models"),
                KeywordFactory(term="Animals"),
                KeywordFactory(term="Zebrafish"),
            ]
        )

    ((_, keywords),) = reasons_of(search(client, q="zebrafish")).values()

    assert keywords == ("<mark>Zebrafish</mark>", "<mark>Zebrafish</mark> models")


def test_a_hit_lists_five_matched_authors_and_counts_the_rest(client, committed):
    people = [
        PersonFactory(given_names=f"Given{n}", family_name="Nakamura") for n in range(7)
    ]
    with committed():
        PublicationFactory(title="A consortium paper", authors=people)

    response = search(client, q="nakamura")

    ((hit, _),) = response.context["page_obj"]
    assert len(hit.reasons.authors) == 5
    assert hit.reasons.more_authors == 2
    assert "Matched authors:" in response.content.decode()
    assert "; and 2 more" in response.content.decode()


def test_the_query_is_escaped_where_the_page_repeats_it(client, committed):
    response = search(client, q='<img src=x onerror=alert(1)> "')

    assert response.status_code == 200
    assert b"<img src=x" not in response.content


def test_the_index_follows_create_update_and_withdraw(client, committed):
    with committed():
        record = PublicationFactory(title="Tuberculosis screening")
    assert titles(search(client, q="tuberculosis")) == ["Tuberculosis screening"]

    with committed():
        record.title = "Malaria screening"
        services.publication_save(publication=record)
    assert titles(search(client, q="tuberculosis")) == []
    assert titles(search(client, q="malaria")) == ["Malaria screening"]

    with committed():
        services.publication_withdraw(publication=record, note="Duplicate record.")
    assert titles(search(client, q="malaria")) == []

    with committed():
        services.publication_publish(publication=record)
    assert titles(search(client, q="malaria")) == ["Malaria screening"]


def test_a_record_deleted_in_the_admin_leaves_the_index_and_its_counts(
    client, admin_client, committed
):
    department = DepartmentFactory(name="Cardiology")
    with committed():
        kept = PublicationFactory(
            title="Stroke care", pub_year=2011, departments=[department]
        )
        gone = PublicationFactory(
            title="Stroke rehabilitation", pub_year=2012, departments=[department]
        )
    assert search(client).context["result"].total == 2

    with committed():
        response = admin_client.post(
            f"/admin/publications/publication/{gone.pk}/delete/", {"post": "yes"}
        )
    assert response.status_code == 302

    after = search(client, q="stroke")
    assert titles(after) == ["Stroke care"]
    assert search(client).context["result"].total == 1
    facets = {facet.name: facet for facet in after.context["facets"]}
    assert [(v.label, v.count) for v in facets["year"].values] == [("2011", 1)]
    years = client.get("/years/").content.decode()
    assert "2012" not in years and "2011" in years
    page = client.get(f"/departments/{department.slug}/")
    assert titles(page) == [kept.title]
    assert page.context["result"].total == 1

    # The changelist's "delete selected" action too.
    with committed():
        admin_client.post(
            "/admin/publications/publication/",
            {"action": "delete_selected", "_selected_action": [kept.pk], "post": "yes"},
        )
    assert not Publication.objects.exists()
    assert search(client).context["result"].total == 0
    assert titles(search(client, q="stroke")) == []


def test_drafts_are_never_found(client, committed):
    with committed():
        PublicationFactory(title="Draft about hepatitis", status="draft")

    assert titles(search(client, q="hepatitis")) == []


def test_renamed_names_are_found_under_the_new_name(client, committed):
    person = PersonFactory(family_name="Smith")
    keyword = KeywordFactory(term="Obesity")
    subject = SubjectFactory(name="Nutrition")
    with committed():
        record = PublicationFactory(title="A record", authors=[person])
        record.keywords.set([keyword])
        record.subjects.set([subject])

    with committed():
        person.family_name = "Smythe"
        services.person_save(person=person)
        keyword.term = "Adiposity"
        services.keyword_save(keyword=keyword)
        subject.name = "Dietetics"
        services.subject_save(subject=subject)
        record.venue.title = "Annals of Zoology"
        services.venue_save(venue=record.venue)

    for old in ("obesity", "nutrition"):
        assert titles(search(client, q=old)) == [], old
    # The name as printed on the paper stays what it was.
    assert titles(search(client, q="smith")) == ["A record"]
    for new in ("smythe", "adiposity", "dietetics", "zoology"):
        assert titles(search(client, q=new)) == ["A record"], new


def test_a_deleted_keyword_leaves_the_index(client, committed):
    keyword = KeywordFactory(term="Obsolete", slug="obsolete")
    with committed():
        PublicationFactory(title="A record").keywords.set([keyword])

    with committed():
        services.keyword_delete(keyword=keyword)

    assert titles(search(client, q="obsolete")) == []
    assert search(client, q="record").context["result"].facets["keyword"] == []


def test_the_index_follows_department_renames_and_moves(client, committed):
    school = DepartmentFactory(name="School of Nursing", slug="nursing")
    unit = DepartmentFactory(name="Midwifery", slug="midwifery")
    with committed():
        PublicationFactory(title="Birth outcomes", departments=[unit])
    assert titles(search(client, department="nursing")) == []

    with committed():
        unit.name, unit.slug, unit.parent = "Midwifery Care", "midwifery-care", school
        services.department_save(department=unit)

    assert titles(search(client, department="midwifery-care")) == ["Birth outcomes"]
    response = search(client, department="nursing")
    assert titles(response) == ["Birth outcomes"]
    labels = {
        value.label
        for facet in response.context["facets"]
        if facet.name == "department"
        for value in facet.values
    }
    assert labels == {"School of Nursing", "Midwifery Care"}
    message = search(client, department="midwifery").context["messages_list"]
    assert message == ["Ignored Department: There is no department “midwifery”."]
    assert Department.objects.get(slug="midwifery-care").parent == school


def test_sorts_order_the_results(client, committed):
    with committed():
        PublicationFactory(title="Beta trial", pub_year=2012)
        PublicationFactory(title="Alpha trial", pub_year=2018)
        PublicationFactory(title="Gamma trial", pub_year=2001)

    assert titles(search(client, q="trial", sort="newest")) == [
        "Alpha trial",
        "Beta trial",
        "Gamma trial",
    ]
    assert titles(search(client, q="trial", sort="oldest")) == [
        "Gamma trial",
        "Beta trial",
        "Alpha trial",
    ]
    assert titles(search(client, q="trial", sort="title")) == [
        "Alpha trial",
        "Beta trial",
        "Gamma trial",
    ]


def test_an_empty_query_lists_the_newest_records(client, committed):
    with committed():
        PublicationFactory(title="Older", pub_year=2001)
        PublicationFactory(title="Newer", pub_year=2021)

    response = search(client)

    assert titles(response) == ["Newer", "Older"]
    assert response.context["sort"] == "newest"
    assert b'<label for="search-q">' in response.content


@pytest.mark.parametrize(
    "query",
    [
        "10.1111/bjh.12293",
        "10.1111/BJH.12293",
        "https://doi.org/10.1111/bjh.12293",
        "doi:10.1111/bjh.12293",
        "23573877",
        "PMID: 23573877",
        "pmid:23573877",
    ],
)
def test_a_doi_or_pubmed_id_goes_to_its_record(client, committed, query):
    with committed():
        record = PublicationFactory(doi="10.1111/bjh.12293", pmid="23573877")

    response = search(client, q=query)

    assert response.status_code == 302
    assert response["Location"] == record.get_absolute_url()


def test_an_identifier_of_no_published_record_is_searched_as_text(client, committed):
    with committed():
        PublicationFactory(doi="10.1111/draft.1", status="draft")

    for query in ("10.1111/draft.1", "99999999"):
        response = search(client, q=query)
        assert response.status_code == 200
        assert titles(response) == []


def test_the_rebuild_command_indexes_published_records_only(client, committed):
    # Written without the commit hook, so only the rebuild indexes them.
    PublicationFactory(title="Glaucoma one")
    PublicationFactory(title="Glaucoma draft", status=Publication.Status.DRAFT)
    assert titles(search(client, q="glaucoma")) == []

    call_command("rebuild_search_index", verbosity=0)

    assert titles(search(client, q="glaucoma")) == ["Glaucoma one"]


def test_the_rebuild_command_reports_its_progress():
    for n in range(20):
        PublicationFactory(title=f"Glaucoma {n}")
    out = io.StringIO()

    call_command("rebuild_search_index", stdout=out)

    # Away from a terminal: a line at each tenth of the way (the index is
    # written in batches, so 20 records are one), then the summary.
    lines = out.getvalue().splitlines()
    assert lines[-2].startswith("Search documents: 20/20 (100%) in ")
    assert lines[-1].startswith("Indexed 20 published records (")
