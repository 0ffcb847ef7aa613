"""Identifier rules, through the service layer every entry point uses."""

import pytest
from django.core.exceptions import ValidationError

from publications import services
from publications.models import Person, Publication
from tests.factories import DocumentTypeFactory, PublicationFactory


def draft(**fields) -> Publication:
    return Publication(
        title="A record", pub_year=2020, document_type=DocumentTypeFactory(), **fields
    )


def save_errors(publication: Publication) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        services.publication_save(publication=publication)
    return caught.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("10.1111/bjh.12293", "10.1111/bjh.12293"),
        ("10.1111/BJH.12293", "10.1111/bjh.12293"),
        ("https://doi.org/10.1111/bjh.12293", "10.1111/bjh.12293"),
        ("http://dx.doi.org/10.1111/bjh.12293", "10.1111/bjh.12293"),
        ("doi:10.1111/bjh.12293", "10.1111/bjh.12293"),
        ("  10.1002/(SICI)1097-4636(199706)35:4<409::AID-JBM1>3.0.CO;2-8 ", None),
    ],
)
def test_doi_is_stored_normalised(given, stored):
    publication = services.publication_save(publication=draft(doi=given))
    publication.refresh_from_db()
    assert publication.doi == (stored or given.strip().lower())


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bad", ["11.1111/bjh.12293", "10.1111", "bjh.12293", "10.1/x", "10.1111/a b"]
)
def test_malformed_doi_is_rejected_with_its_message(bad):
    errors = save_errors(draft(doi=bad))
    assert errors["doi"] == [
        f"“{bad}” is not a DOI. A DOI starts with “10.”, a registrant code and a "
        "slash, e.g. 10.1111/bjh.12293."
    ]
    assert not Publication.objects.exists()


@pytest.mark.django_db
def test_empty_identifiers_are_stored_as_null_so_many_records_may_lack_them():
    first = services.publication_save(publication=draft(doi="", pmid=" ", pmcid=""))
    second = services.publication_save(publication=draft(doi="", pmid="", pmcid=""))
    assert Publication.objects.filter(doi__isnull=True, pmid__isnull=True).count() == 2
    assert first.pk != second.pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("given", "stored"), [("23573877", "23573877"), ("PMID: 42", "42")]
)
def test_pubmed_id_is_stored_as_digits(given, stored):
    assert services.publication_save(publication=draft(pmid=given)).pmid == stored


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["PMC123", "12a45", "-5", "0", "12345678901", "١٢٣"])
def test_malformed_pubmed_id_is_rejected_with_its_message(bad):
    errors = save_errors(draft(pmid=bad))
    assert errors["pmid"] == [
        f"“{bad}” is not a PubMed ID. A PubMed ID is a positive whole number of up "
        "to 10 digits, e.g. 23573877."
    ]


@pytest.mark.django_db
def test_pmcid_is_stored_with_its_prefix_and_bad_ones_are_rejected():
    assert services.publication_save(publication=draft(pmcid="pmc3456789")).pmcid == (
        "PMC3456789"
    )
    assert "pmcid" in save_errors(draft(pmcid="PMCX12"))


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["doi", "pmid"])
def test_duplicate_identifier_is_rejected_naming_the_existing_record(field):
    value = {"doi": "10.1111/bjh.12293", "pmid": "23573877"}[field]
    existing = PublicationFactory(title="The first record", **{field: value})
    # The same identifier written another way is still the same identifier.
    written_differently = {
        "doi": "https://doi.org/10.1111/BJH.12293",
        "pmid": "PMID: 23573877",
    }
    errors = save_errors(draft(**{field: written_differently[field]}))
    label = {"doi": "DOI", "pmid": "PubMed ID"}[field]
    assert errors[field] == [
        f"{label} {value} is already used by record #{existing.pk}, “The first record”."
    ]
    assert Publication.objects.count() == 1


@pytest.mark.django_db
def test_a_record_may_keep_its_own_identifier_when_edited():
    publication = PublicationFactory(doi="10.1000/own")
    publication.title = "Corrected title"
    services.publication_save(publication=publication)
    publication.refresh_from_db()
    assert (publication.title, publication.doi) == ("Corrected title", "10.1000/own")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("https://orcid.org/0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("0000000218250097", "0000-0002-1825-0097"),
        ("0000-0001-5109-3700", "0000-0001-5109-3700"),
        ("0000-0002-1694-233x", "0000-0002-1694-233X"),
    ],
)
def test_orcid_is_stored_normalised(given, stored):
    person = services.person_save(person=Person(family_name="Carberry", orcid=given))
    person.refresh_from_db()
    assert person.orcid == stored


@pytest.mark.django_db
def test_orcid_with_a_wrong_check_digit_is_rejected_with_its_message():
    with pytest.raises(ValidationError) as caught:
        services.person_save(
            person=Person(family_name="Carberry", orcid="0000-0002-1825-0098")
        )
    assert caught.value.message_dict["orcid"] == [
        "“0000-0002-1825-0098” is not a valid ORCID iD: its check digit does not "
        "match. Check for a mistyped digit."
    ]
    assert not Person.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["0000-0002-1825", "orcid", "0000-0002-1825-009Y"])
def test_malformed_orcid_is_rejected(bad):
    with pytest.raises(ValidationError) as caught:
        services.person_save(person=Person(family_name="Carberry", orcid=bad))
    assert "is not an ORCID iD" in caught.value.message_dict["orcid"][0]


@pytest.mark.django_db
def test_two_people_cannot_share_an_orcid():
    services.person_save(
        person=Person(family_name="Carberry", orcid="0000-0002-1825-0097")
    )
    with pytest.raises(ValidationError) as caught:
        services.person_save(
            person=Person(
                family_name="Other", orcid="https://orcid.org/0000-0002-1825-0097"
            )
        )
    assert "orcid" in caught.value.message_dict
