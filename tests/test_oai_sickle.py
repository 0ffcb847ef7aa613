"""A real harvester (Sickle) harvests the whole collection over HTTP from a
live server, following resumption tokens, by GET and by POST."""

import pytest
from sickle import Sickle
from sickle.oaiexceptions import IdDoesNotExist, NoRecordsMatch

from publications import services
from publications.models import Publication
from tests.factories import DepartmentFactory, PublicationFactory

pytestmark = [
    # Live-server tests commit, and each transactional test ends by emptying
    # the tables; serialized_rollback starts these with the rows the
    # migrations create (the document types) all the same.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def collection(settings):
    """23 published, 3 withdrawn and 2 draft records; small pages."""
    settings.OAI_LIST_RECORDS_PAGE_SIZE = 5
    settings.OAI_LIST_IDENTIFIERS_PAGE_SIZE = 5
    settings.OAI_LIST_SETS_PAGE_SIZE = 2
    settings.REPOSITORY = {**settings.REPOSITORY, "OAI_IDENTIFIER": "repo.example.edu"}
    department = DepartmentFactory(slug="pediatrics")
    records = [
        PublicationFactory(authors=2, departments=[department] if n % 2 else [])
        for n in range(26)
    ]
    for record in records[:3]:
        services.publication_withdraw(publication=record, note="Withdrawn.")
    PublicationFactory.create_batch(2, status=Publication.Status.DRAFT)
    return records


def expected_identifiers(records) -> set[str]:
    return {f"oai:repo.example.edu:{record.pk}" for record in records}


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sickle_harvests_every_published_and_withdrawn_record(
    live_server, collection, method
):
    harvester = Sickle(f"{live_server.url}/oai", http_method=method, timeout=30)

    records = list(harvester.ListRecords(metadataPrefix="oai_dc", ignore_deleted=False))

    identifiers = [record.header.identifier for record in records]
    assert len(identifiers) == len(set(identifiers)) == 26
    assert set(identifiers) == expected_identifiers(collection)
    harvestable = Publication.objects.exclude(status=Publication.Status.DRAFT)
    assert set(identifiers) == expected_identifiers(harvestable)
    deleted = {r.header.identifier for r in records if r.header.deleted}
    assert deleted == expected_identifiers(collection[:3])
    live = [r for r in records if not r.header.deleted]
    assert all(r.metadata["title"] for r in live)
    by_id = {r.header.identifier: r for r in live}
    sample = collection[5]
    assert by_id[f"oai:repo.example.edu:{sample.pk}"].metadata["title"] == [
        sample.title
    ]


def test_sickle_lists_identifiers_sets_and_formats(live_server, collection, settings):
    harvester = Sickle(f"{live_server.url}/oai", timeout=30)

    headers = list(
        harvester.ListIdentifiers(metadataPrefix="mods", ignore_deleted=False)
    )
    assert {h.identifier for h in headers} == expected_identifiers(collection)

    in_department = list(
        harvester.ListIdentifiers(
            metadataPrefix="oai_dc", set="department:pediatrics", ignore_deleted=False
        )
    )
    assert {h.identifier for h in in_department} == expected_identifiers(
        collection[1::2]
    )

    sets = [s.setSpec for s in harvester.ListSets()]
    assert len(sets) > 2  # more than one page
    assert "department:pediatrics" in sets

    formats = [f.metadataPrefix for f in harvester.ListMetadataFormats()]
    assert formats == ["oai_dc", "qdc", "mods"]

    identify = harvester.Identify()
    assert identify.repositoryName == settings.REPOSITORY["NAME"]
    assert identify.protocolVersion == "2.0"
    assert identify.deletedRecord == "persistent"


def test_sickle_reads_the_errors_it_knows(live_server, collection):
    harvester = Sickle(f"{live_server.url}/oai", timeout=30)

    with pytest.raises(IdDoesNotExist):
        harvester.GetRecord(
            identifier="oai:repo.example.edu:0", metadataPrefix="oai_dc"
        )
    with pytest.raises(NoRecordsMatch):
        list(harvester.ListRecords(metadataPrefix="oai_dc", **{"from": "2999-01-01"}))
