"""Harvesting lists: ListRecords and ListIdentifiers with from/until, sets
and resumption tokens; ListSets paging; a fixed query count per page."""

import datetime
import time

import pytest
from django.core import signing

from publications import services
from publications.models import Publication
from tests.factories import (
    DepartmentFactory,
    DocumentTypeFactory,
    KeywordFactory,
    PublicationFactory,
    SubjectFactory,
)
from tests.test_oai_schemas import errors, oai_response, schemas, xpath

__all__ = ["oai_response", "schemas"]  # fixtures used here

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=UTC)


def stamp(publication: Publication, moment: datetime.datetime) -> None:
    """Give a record a known datestamp (updated_at is set on every save)."""
    Publication.objects.filter(pk=publication.pk).update(updated_at=moment)


def local_id(identifier: str) -> int:
    return int(identifier.rsplit(":", 1)[1])


def headers(document) -> list[tuple[int, str, bool]]:
    """(record id, datestamp, deleted) of each header in a list response."""
    return [
        (
            local_id(header.findtext("{*}identifier")),
            header.findtext("{*}datestamp"),
            header.get("status") == "deleted",
        )
        for header in xpath(document, "//oai:header")
    ]


def token_of(document):
    found = xpath(document, "//oai:resumptionToken")
    return found[0] if found else None


def harvest(oai_response, verb="ListRecords", **arguments):
    """Follow resumption tokens to the end: (headers, token elements)."""
    document = oai_response(verb=verb, **arguments)
    seen, tokens = headers(document), []
    while (token := token_of(document)) is not None:
        tokens.append(token)
        if not token.text:
            break
        document = oai_response(verb=verb, resumptionToken=token.text)
        assert errors(document) == []
        seen += headers(document)
    return seen, tokens


def ids(found) -> list[int]:
    return [record_id for record_id, _, _ in found]


# What a harvest contains


def test_a_harvest_lists_published_and_withdrawn_records_never_drafts(oai_response):
    published = PublicationFactory()
    withdrawn = services.publication_withdraw(
        publication=PublicationFactory(), note="Dup."
    )
    PublicationFactory(status=Publication.Status.DRAFT)

    for verb in ("ListRecords", "ListIdentifiers"):
        document = oai_response(verb=verb, metadataPrefix="oai_dc")

        assert sorted(
            (record_id, deleted) for record_id, _, deleted in headers(document)
        ) == [(published.pk, False), (withdrawn.pk, True)]
    document = oai_response(verb="ListRecords", metadataPrefix="oai_dc")
    assert len(xpath(document, "//oai:record/oai:metadata")) == 1
    assert token_of(document) is None  # one page: no resumptionToken at all


def test_records_are_listed_in_datestamp_order_with_second_granularity(oai_response):
    later, earlier = PublicationFactory(), PublicationFactory()
    stamp(later, at("2020-05-01T10:00:00.999999"))
    stamp(earlier, at("2020-05-01T09:59:59.000001"))

    document = oai_response(verb="ListIdentifiers", metadataPrefix="oai_dc")

    assert headers(document) == [
        (earlier.pk, "2020-05-01T09:59:59Z", False),
        (later.pk, "2020-05-01T10:00:00Z", False),
    ]


# from and until


@pytest.fixture
def stamped(db):
    """Five records whose datestamps straddle day and second boundaries."""
    moments = [
        "2020-01-01T00:00:00",
        "2020-01-01T12:00:00.250000",
        "2020-01-01T23:59:59.999999",
        "2020-01-02T00:00:00",
        "2020-01-03T08:00:00",
    ]
    records = []
    for moment in moments:
        record = PublicationFactory()
        stamp(record, at(moment))
        records.append(record.pk)
    return records


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({"from": "2020-01-01"}, [0, 1, 2, 3, 4]),
        ({"until": "2020-01-01"}, [0, 1, 2]),
        ({"from": "2020-01-02", "until": "2020-01-02"}, [3]),
        ({"from": "2020-01-01T12:00:00Z"}, [1, 2, 3, 4]),
        ({"until": "2020-01-01T12:00:00Z"}, [0, 1]),
        ({"from": "2020-01-01T12:00:00Z", "until": "2020-01-01T12:00:00Z"}, [1]),
        ({"from": "2020-01-01T12:00:01Z", "until": "2020-01-01T23:59:59Z"}, [2]),
        ({"from": "2020-01-01T23:59:59Z", "until": "2020-01-02T00:00:00Z"}, [2, 3]),
        ({"from": "1900-01-01", "until": "9999-12-31"}, [0, 1, 2, 3, 4]),
        ({"from": "2020-01-03T08:00:00Z"}, [4]),
    ],
)
def test_from_and_until_are_inclusive_at_the_granularity_given(
    oai_response, stamped, arguments, expected
):
    for verb in ("ListRecords", "ListIdentifiers"):
        document = oai_response(verb=verb, metadataPrefix="oai_dc", **arguments)

        found = headers(document)
        assert ids(found) == [stamped[i] for i in expected]
        # What a harvester checks: every datestamp lies within the bounds.
        for _, datestamp, _ in found:
            day = datestamp[:10]
            if "T" in arguments.get("from", "T"):
                assert datestamp >= arguments.get("from", "")
            else:
                assert day >= arguments["from"]
            if "until" in arguments:
                bound = arguments["until"]
                assert (datestamp if "T" in bound else day) <= bound


@pytest.mark.parametrize(
    "arguments",
    [
        {"until": "2019-12-31"},
        {"until": "2019-12-31T23:59:59Z"},
        {"from": "2020-01-03T08:00:01Z"},
        {"from": "2020-01-04"},
    ],
)
def test_a_range_outside_every_datestamp_matches_no_records(
    oai_response, stamped, arguments
):
    document = oai_response(verb="ListRecords", metadataPrefix="oai_dc", **arguments)
    assert errors(document) == ["noRecordsMatch"]


# Sets


@pytest.fixture
def units(db):
    school = DepartmentFactory(name="School of Medicine", slug="school-of-medicine")
    pediatrics = DepartmentFactory(name="Pediatrics", slug="pediatrics", parent=school)
    neonatology = DepartmentFactory(
        name="Neonatology", slug="neonatology", parent=pediatrics
    )
    pathology = DepartmentFactory(name="Pathology", slug="pathology")
    medicine = SubjectFactory(name="Medicine", slug="medicine")
    diseases = SubjectFactory(
        name="Diseases", slug="diseases", parent=medicine, depth=2
    )
    hemic = SubjectFactory(name="Hemic", slug="hemic", parent=diseases, depth=3)
    review = DocumentTypeFactory(name="Review", slug="review")

    a = PublicationFactory(departments=[neonatology])
    a.subjects.set([hemic])
    b = PublicationFactory(departments=[pediatrics, school])
    c = PublicationFactory(departments=[pathology], document_type=review)
    d = PublicationFactory()
    withdrawn = PublicationFactory(departments=[neonatology])
    services.publication_withdraw(publication=withdrawn, note="Retracted.")
    draft = PublicationFactory(
        departments=[neonatology], status=Publication.Status.DRAFT
    )
    return {"a": a, "b": b, "c": c, "d": d, "w": withdrawn, "draft": draft}


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("department", "abcw"),
        ("department:school-of-medicine", "abw"),
        ("department:school-of-medicine:pediatrics", "abw"),
        ("department:school-of-medicine:pediatrics:neonatology", "aw"),
        ("department:pathology", "c"),
        ("subject", "a"),
        ("subject:medicine", "a"),
        ("subject:medicine:diseases:hemic", "a"),
        ("type", "abcdw"),
        ("type:review", "c"),
        ("type:article", "abdw"),
    ],
)
def test_a_set_holds_its_own_records_and_those_of_every_unit_below_it(
    oai_response, units, spec, expected
):
    for verb in ("ListRecords", "ListIdentifiers"):
        document = oai_response(verb=verb, metadataPrefix="oai_dc", set=spec)

        assert sorted(ids(headers(document))) == sorted(units[k].pk for k in expected)


@pytest.mark.parametrize(
    "spec",
    [
        "department:pediatrics",  # not its path: it sits under the school
        "department:school-of-medicine:neonatology",
        "department:nowhere",
        "subject:hemic",
        "type:sonnet",
        "journal",
        "department:pathology:x",
    ],
)
def test_a_set_that_does_not_exist_matches_no_records(oai_response, units, spec):
    document = oai_response(verb="ListRecords", metadataPrefix="oai_dc", set=spec)
    assert errors(document) == ["noRecordsMatch"]


def test_a_header_lists_the_fewest_sets_that_give_its_membership(oai_response, units):
    document = oai_response(verb="ListIdentifiers", metadataPrefix="oai_dc")

    specs = {
        local_id(header.findtext("{*}identifier")): xpath(header, "oai:setSpec/text()")
        for header in xpath(document, "//oai:header")
    }
    assert specs[units["a"].pk] == [
        "department:school-of-medicine:pediatrics:neonatology",
        "subject:medicine:diseases:hemic",
        "type:article",
    ]
    # Linked to the school and to pediatrics: pediatrics implies the school.
    assert specs[units["b"].pk] == [
        "department:school-of-medicine:pediatrics",
        "type:article",
    ]
    assert specs[units["c"].pk] == ["department:pathology", "type:review"]
    assert specs[units["d"].pk] == ["type:article"]
    assert specs[units["w"].pk] == [
        "department:school-of-medicine:pediatrics:neonatology",
        "type:article",
    ]


def test_list_sets_gives_the_hierarchies_with_their_names(oai_response, units):
    document = oai_response(verb="ListSets")

    sets = {
        entry.findtext("{*}setSpec"): entry.findtext("{*}setName")
        for entry in xpath(document, "//oai:set")
    }
    assert {
        "department": "Departments",
        "department:school-of-medicine": "School of Medicine",
        "department:school-of-medicine:pediatrics": "Pediatrics",
        "department:school-of-medicine:pediatrics:neonatology": "Neonatology",
        "department:pathology": "Pathology",
        "subject": "Disciplines",
        "subject:medicine:diseases:hemic": "Hemic",
        "type": "Document types",
        "type:review": "Review",
    }.items() <= sets.items()
    assert token_of(document) is None


def test_list_sets_pages_with_resumption_tokens(oai_response, units, settings):
    whole = xpath(oai_response(verb="ListSets"), "//oai:setSpec/text()")
    settings.OAI_LIST_SETS_PAGE_SIZE = 4

    document = oai_response(verb="ListSets")
    paged, cursors = xpath(document, "//oai:setSpec/text()"), []
    while (token := token_of(document)) is not None:
        cursors.append(int(token.get("cursor")))
        assert int(token.get("completeListSize")) == len(whole)
        if not token.text:
            break
        document = oai_response(verb="ListSets", resumptionToken=token.text)
        paged += xpath(document, "//oai:setSpec/text()")

    assert paged == whole
    assert cursors == list(range(0, len(whole), 4))


# Resumption


@pytest.fixture
def nine_records(db):
    """Nine harvestable records a day apart, a draft, in id order."""
    records = []
    for day in range(1, 10):
        record = PublicationFactory()
        stamp(record, at(f"2020-01-0{day}T00:00:00"))
        records.append(record)
    services.publication_withdraw(publication=records[4], note="Duplicate.")
    stamp(records[4], at("2020-01-05T00:00:00"))
    PublicationFactory(status=Publication.Status.DRAFT)
    return records


def test_a_long_list_comes_in_pages_with_cursor_and_complete_list_size(
    oai_response, nine_records, settings
):
    settings.OAI_LIST_RECORDS_PAGE_SIZE = 4
    before = datetime.datetime.now(UTC)

    found, tokens = harvest(oai_response, metadataPrefix="oai_dc")
    after = datetime.datetime.now(UTC)

    assert ids(found) == [record.pk for record in nine_records]
    assert [(t.get("cursor"), t.get("completeListSize")) for t in tokens] == [
        ("0", "9"),
        ("4", "9"),
        ("8", "9"),
    ]
    assert [bool(t.text) for t in tokens] == [True, True, False]
    # The token that ends the list is empty and names no expiry.
    assert tokens[-1].get("expirationDate") is None
    expires = datetime.datetime.strptime(
        tokens[0].get("expirationDate"), "%Y-%m-%dT%H:%M:%SZ"
    ).replace(tzinfo=UTC)
    day = datetime.timedelta(days=1)
    assert before.replace(microsecond=0) + day <= expires <= after + day


def test_a_list_that_fills_its_last_page_exactly_ends_with_an_empty_token(
    oai_response, nine_records, settings
):
    settings.OAI_LIST_IDENTIFIERS_PAGE_SIZE = 3

    found, tokens = harvest(
        oai_response, verb="ListIdentifiers", metadataPrefix="oai_dc"
    )

    assert ids(found) == [record.pk for record in nine_records]
    assert [t.get("cursor") for t in tokens] == ["0", "3", "6"]
    assert [bool(t.text) for t in tokens] == [True, True, False]


def test_pages_default_to_500_records_and_500_identifiers(oai_response, db):
    document_type = DocumentTypeFactory()
    Publication.objects.bulk_create(
        Publication(
            title=f"R{n}",
            pub_year=2020,
            document_type=document_type,
            status="published",
        )
        for n in range(501)
    )

    for verb in ("ListRecords", "ListIdentifiers"):
        found, tokens = harvest(oai_response, verb=verb, metadataPrefix="oai_dc")

        assert len(found) == 501
        assert [
            (t.get("cursor"), t.get("completeListSize"), bool(t.text)) for t in tokens
        ] == [("0", "501", True), ("500", "501", False)]


def test_a_token_carries_the_set_and_range_of_the_first_request(
    oai_response, units, settings
):
    settings.OAI_LIST_RECORDS_PAGE_SIZE = 1
    stamp(units["d"], at("2000-01-01T00:00:00"))

    found, tokens = harvest(
        oai_response,
        metadataPrefix="mods",
        set="department:school-of-medicine",
        **{"from": "2001-01-01"},
    )

    assert sorted(ids(found)) == sorted(units[k].pk for k in "abw")
    assert [t.get("completeListSize") for t in tokens] == ["3"] * 3


def test_records_changed_mid_harvest_are_neither_skipped_nor_repeated(
    oai_response, nine_records, settings
):
    settings.OAI_LIST_RECORDS_PAGE_SIZE = 3
    document = oai_response(verb="ListRecords", metadataPrefix="oai_dc")
    found = headers(document)
    assert ids(found) == [record.pk for record in nine_records[:3]]

    # Between pages: a record already harvested and one not yet are edited,
    # one not yet harvested is withdrawn, a new record is published.
    harvested, pending, to_withdraw = nine_records[1], nine_records[5], nine_records[7]
    for record in (harvested, pending):
        record.refresh_from_db()
        record.title += " (corrected)"
        services.publication_save(publication=record)
    services.publication_withdraw(publication=to_withdraw, note="Retracted.")
    added = PublicationFactory()

    while (token := token_of(document)) is not None and token.text:
        document = oai_response(verb="ListRecords", resumptionToken=token.text)
        found += headers(document)

    every = {record.pk for record in nine_records} | {added.pk}
    assert set(ids(found)) == every
    # Only the record edited after it was harvested comes twice: its new
    # version, with a later datestamp, at the end of the list.
    repeated = [i for i in set(ids(found)) if ids(found).count(i) > 1]
    assert repeated == [harvested.pk]
    old, new = [entry for entry in found if entry[0] == harvested.pk]
    assert new[1] > old[1]
    assert ids(found)[-4:] == [harvested.pk, pending.pk, to_withdraw.pk, added.pk]
    assert [deleted for i, _, deleted in found if i == to_withdraw.pk] == [True]


def test_records_sharing_one_datestamp_page_by_id_without_gaps(oai_response, settings):
    settings.OAI_LIST_IDENTIFIERS_PAGE_SIZE = 2
    records = PublicationFactory.create_batch(7)
    # A bulk import can give many records the same updated_at, to the
    # microsecond.
    Publication.objects.update(updated_at=at("2021-06-01T12:00:00.123456"))

    found, tokens = harvest(
        oai_response, verb="ListIdentifiers", metadataPrefix="oai_dc"
    )

    assert ids(found) == sorted(record.pk for record in records)
    assert len(tokens) == 4


def first_token(oai_response, verb="ListRecords", **arguments) -> str:
    if verb != "ListSets":
        arguments.setdefault("metadataPrefix", "oai_dc")
    return token_of(oai_response(verb=verb, **arguments)).text


def test_a_forged_token_is_a_bad_resumption_token(oai_response, nine_records, settings):
    settings.OAI_LIST_RECORDS_PAGE_SIZE = 2
    token = first_token(oai_response)
    payload, timestamp, signature = token.rsplit(":", 2)
    altered = payload[:-1] + ("A" if payload[-1] != "A" else "B")
    # The same content signed with another salt is not ours either.
    other_salt = signing.dumps(
        signing.loads(token, salt="publications.oai.resumption-token")
    )

    for forged in (f"{altered}:{timestamp}:{signature}", other_salt):
        document = oai_response(verb="ListRecords", resumptionToken=forged)
        assert errors(document) == ["badResumptionToken"]


def test_an_expired_token_is_a_bad_resumption_token(
    oai_response, nine_records, settings
):
    settings.OAI_LIST_RECORDS_PAGE_SIZE = 2
    # Token timestamps are whole seconds: a 3-second lifetime still holds
    # just after the token is issued and is over 4 seconds later.
    settings.OAI_RESUMPTION_TOKEN_LIFETIME = 3
    token = first_token(oai_response)
    assert errors(oai_response(verb="ListRecords", resumptionToken=token)) == []

    time.sleep(4.1)

    document = oai_response(verb="ListRecords", resumptionToken=token)
    assert errors(document) == ["badResumptionToken"]
    assert "expired" in xpath(document, "oai:error/text()")[0]


def test_a_token_only_continues_the_verb_that_issued_it(
    oai_response, nine_records, settings
):
    settings.OAI_LIST_RECORDS_PAGE_SIZE = 2
    settings.OAI_LIST_IDENTIFIERS_PAGE_SIZE = 2
    settings.OAI_LIST_SETS_PAGE_SIZE = 2
    records_token = first_token(oai_response)
    identifiers_token = first_token(oai_response, "ListIdentifiers")
    sets_token = first_token(oai_response, "ListSets")

    for verb, token in (
        ("ListIdentifiers", records_token),
        ("ListRecords", identifiers_token),
        ("ListRecords", sets_token),
        ("ListSets", records_token),
    ):
        document = oai_response(verb=verb, resumptionToken=token)
        assert errors(document) == ["badResumptionToken"]


# Query budget


@pytest.fixture
def rich_records(db):
    """Records with every kind of related row the formats read."""

    def make(count: int):
        department = DepartmentFactory()
        subject = SubjectFactory()
        keyword = KeywordFactory()
        for _ in range(count):
            record = PublicationFactory(authors=3, departments=[department])
            record.subjects.set([subject])
            record.keywords.set([keyword])
            record.related_links.create(label="Data", url="https://data.example.org/1")

    return make


@pytest.mark.parametrize("count", [3, 31])
def test_a_list_records_page_makes_the_same_queries_whatever_its_size(
    client, rich_records, django_assert_max_num_queries, settings, count
):
    settings.OAI_LIST_RECORDS_PAGE_SIZE = 30
    rich_records(count)

    for prefix in ("oai_dc", "qdc", "mods"):
        # 1 page of records (+1 row to know if more follow), 1 count on a
        # first page that has a next one, 4 for the metadata (authorships,
        # their people, keywords, related links), 2 for the page's department
        # and subject links, 3 for the set catalogue (departments, subjects,
        # document types).
        with django_assert_max_num_queries(11):
            response = client.get(
                "/oai", {"verb": "ListRecords", "metadataPrefix": prefix}
            )
        assert response.content.count(b"<record>") == min(count, 30)


@pytest.mark.parametrize("count", [3, 31])
def test_a_list_identifiers_page_makes_the_same_queries_whatever_its_size(
    client, rich_records, django_assert_max_num_queries, settings, count
):
    settings.OAI_LIST_IDENTIFIERS_PAGE_SIZE = 30
    rich_records(count)

    # The page, the count, the page's department and subject links, and the
    # set catalogue's three tables.
    with django_assert_max_num_queries(7):
        response = client.get(
            "/oai", {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}
        )
    assert response.content.count(b"<header>") == min(count, 30)
