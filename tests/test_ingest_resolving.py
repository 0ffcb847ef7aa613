"""What an imported record's people, departments, keywords, subjects and
venue become: found in the catalogue or created when the batch is applied."""

import pytest

from publications.dates import PartialDate
from publications.importers import NormalisedAuthor, NormalisedKeyword, NormalisedRecord
from publications.ingest.models import AffiliationRule, ImportBatch
from publications.ingest.services import batch_apply, batch_create, batch_plan
from publications.models import Department, Keyword, Person, Subject, Venue
from tests.factories import DepartmentFactory, PersonFactory, SubjectFactory

pytestmark = pytest.mark.django_db

PEDIATRICS_AFFILIATION = "Département de Pédiatrie, Example Medical School, Worcester"


def record(row=1, title="A study of things", **fields):
    return NormalisedRecord(
        source_row=row, title=title, publication_date=PartialDate(2020), **fields
    )


def imported(*records, mode=ImportBatch.Mode.ALL_OR_NOTHING):
    batch = batch_create(
        file=None, filename="", user=None, mode=mode, source=ImportBatch.Source.LOOKUP
    )
    batch_plan(batch=batch, items=list(records))
    batch_apply(batch=batch, user=None)
    assert batch.status == ImportBatch.Status.APPLIED, batch.failure
    return [row.publication for row in batch.rows.order_by("row_number")]


@pytest.fixture
def pediatrics():
    department = DepartmentFactory(name="Department of Pediatrics", slug="pediatrics")
    AffiliationRule.objects.create(
        pattern="Departement de PEDIATRIE", department=department
    )
    return department


def test_person_is_found_by_orcid_whatever_the_name():
    person = PersonFactory(family_name="Henter", orcid="0000-0002-1825-0097")
    (publication,) = imported(
        record(
            authors=(
                NormalisedAuthor(
                    family_name="Hentr", given_names="J", orcid="0000-0002-1825-0097"
                ),
            )
        )
    )
    assert publication.authorships.get().person == person


def test_affiliation_rule_ignoring_case_and_accents_places_author_and_record(
    pediatrics,
):
    (publication,) = imported(
        record(
            authors=(
                NormalisedAuthor(
                    family_name="Novak", affiliations=(PEDIATRICS_AFFILIATION,)
                ),
            )
        )
    )
    assert list(publication.departments.all()) == [pediatrics]
    person = publication.authorships.get().person
    assert person.is_local
    assert list(person.departments.all()) == [pediatrics]


def test_initial_matches_a_full_given_name_within_the_department(pediatrics):
    person = PersonFactory(family_name="Müller", given_names="Jürgen Karl")
    person.departments.add(pediatrics)
    (publication,) = imported(
        record(
            authors=(
                NormalisedAuthor(
                    family_name="MULLER",
                    given_names="JK",
                    affiliations=(PEDIATRICS_AFFILIATION,),
                ),
            )
        )
    )
    assert publication.authorships.get().person == person
    assert publication.authorships.get().name_as_printed == "MULLER, JK"


def test_same_name_outside_the_records_departments_is_a_new_person(pediatrics):
    other = DepartmentFactory(name="Department of Surgery", slug="surgery")
    person = PersonFactory(family_name="Novak", given_names="Jan")
    person.departments.add(other)
    (publication,) = imported(
        record(authors=(NormalisedAuthor(family_name="Novak", given_names="Jan"),))
    )
    new = publication.authorships.get().person
    assert new != person
    assert not new.is_local
    assert Person.objects.filter(family_name="Novak").count() == 2


def test_a_new_person_is_created_once_for_all_rows_of_a_batch(pediatrics):
    author = NormalisedAuthor(
        family_name="Novak", given_names="Jan", affiliations=(PEDIATRICS_AFFILIATION,)
    )
    first, second = imported(
        record(1, title="First paper", authors=(author,)),
        record(2, title="Second paper", authors=(author,)),
    )
    assert first.authorships.get().person == second.authorships.get().person
    assert Person.objects.filter(family_name="Novak").count() == 1


def test_department_names_match_exactly_ignoring_case_unknown_ones_are_warnings(
    pediatrics,
):
    batch = batch_create(
        file=None, filename="", user=None, source=ImportBatch.Source.LOOKUP
    )
    batch_plan(
        batch=batch,
        items=[record(departments=("department of PEDIATRICS", "Department of Magic"))],
    )
    row = batch.rows.get()
    assert row.action == "create"
    assert {
        "field": "department",
        "severity": "warning",
        "message": "“Department of Magic” is not a department of this repository; "
        "left out (departments are added by curators, not imports).",
    } in row.issues
    batch_apply(batch=batch, user=None)
    row.refresh_from_db()
    assert list(row.publication.departments.all()) == [pediatrics]
    assert Department.objects.count() == 1


def test_mesh_keyword_is_found_by_descriptor_id_and_missing_ones_created_on_apply():
    known = Keyword.objects.create(
        term="Lymphohistiocytosis, Hemophagocytic (old name)",
        slug="hlh",
        vocabulary="mesh",
        identifier="D051359",
    )
    author_keyword = Keyword.objects.create(
        term="cytokine storm", slug="cytokine-storm"
    )
    (publication,) = imported(
        record(
            keywords=(
                NormalisedKeyword(
                    term="Lymphohistiocytosis, Hemophagocytic",
                    vocabulary="mesh",
                    identifier="D051359",
                ),
                NormalisedKeyword(term="cytokine storm"),
                NormalisedKeyword(
                    term="Ferritins", vocabulary="mesh", identifier="D005293"
                ),
            )
        )
    )
    keywords = set(publication.keywords.all())
    created = Keyword.objects.get(identifier="D005293")
    assert keywords == {known, author_keyword, created}
    assert (created.term, created.vocabulary, created.slug) == (
        "Ferritins",
        "mesh",
        "ferritins",
    )


def test_subject_by_path_and_by_unique_name_unknown_is_a_warning():
    medicine = SubjectFactory(name="Medicine and Health Sciences")
    specialties = SubjectFactory(name="Medical Specialties", parent=medicine, depth=2)
    pathology = SubjectFactory(name="Pathology", parent=specialties, depth=3)
    other = SubjectFactory(name="Hemic and Lymphatic Diseases")
    batch = batch_create(
        file=None, filename="", user=None, source=ImportBatch.Source.LOOKUP
    )
    batch_plan(
        batch=batch,
        items=[
            record(
                subjects=(
                    "Medicine and Health Sciences > Medical Specialties > Pathology",
                    "hemic and lymphatic diseases",
                    "Alchemy",
                )
            )
        ],
    )
    row = batch.rows.get()
    assert [i["message"] for i in row.issues if i["field"] == "subjects"] == [
        "“Alchemy” is not a discipline of the taxonomy; left out."
    ]
    batch_apply(batch=batch, user=None)
    row.refresh_from_db()
    assert set(row.publication.subjects.all()) == {pathology, other}
    assert Subject.objects.count() == 4


def test_venue_by_issn_then_title_else_created_once():
    by_issn = Venue.objects.create(
        title="British journal of haematology", issn="0007-1048"
    )
    by_title = Venue.objects.create(title="The Lancet")
    first, second, third, fourth = imported(
        record(1, title="One", venue_title="Br J Haematol", issn="0007-1048"),
        record(2, title="Two", venue_title="the lancet"),
        record(
            3, title="Three", venue_title="Journal of New Things", eissn="1365-2141"
        ),
        record(4, title="Four", venue_title="Another title", eissn="1365-2141"),
    )
    assert first.venue == by_issn
    assert second.venue == by_title
    assert third.venue == fourth.venue
    assert (third.venue.title, third.venue.eissn) == (
        "Journal of New Things",
        "1365-2141",
    )
    assert Venue.objects.count() == 3
