"""The six OAI-PMH verbs (spec 4). Each takes the checked request and returns
the element named after the verb; errors are raised as OAIError."""

import dataclasses
import re

from django.conf import settings
from lxml import etree

from . import records, tokens
from .arguments import OAIRequest
from .datestamps import GRANULARITY, datestamp, parse_range
from .errors import (
    BadResumptionToken,
    CannotDisseminateFormat,
    IdDoesNotExist,
    NoMetadataFormats,
    NoRecordsMatch,
)
from .formats import MetadataFormat, all_formats, get_format
from .markup import XSI_NS, XSI_SCHEMA_LOCATION, add, oai
from .sets import SetCatalogue

OAI_IDENTIFIER_NS = "http://www.openarchives.org/OAI/2.0/oai-identifier"
OAI_IDENTIFIER_XSD = "http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"
# oai-identifier.xsd's repositoryIdentifierType: a domain name.
REPOSITORY_IDENTIFIER = re.compile(
    r"^[a-zA-Z0-9][a-zA-Z0-9\-]*(\.[a-zA-Z0-9][a-zA-Z0-9\-]*)+$"
)
EPOCH = "1970-01-01T00:00:00Z"

PAGE_SIZES = {
    "ListRecords": ("OAI_LIST_RECORDS_PAGE_SIZE", 100),
    "ListIdentifiers": ("OAI_LIST_IDENTIFIERS_PAGE_SIZE", 500),
    "ListSets": ("OAI_LIST_SETS_PAGE_SIZE", 500),
}


def page_size(verb: str) -> int:
    name, default = PAGE_SIZES[verb]
    return max(1, int(getattr(settings, name, default)))


def base_url() -> str:
    return settings.REPOSITORY["BASE_URL"].rstrip("/") + "/oai"


def identify(request: OAIRequest, catalogue: SetCatalogue) -> etree._Element:
    config = settings.REPOSITORY
    element = etree.Element(oai("Identify"))
    add(element, oai("repositoryName"), config["NAME"])
    add(element, oai("baseURL"), base_url())
    add(element, oai("protocolVersion"), "2.0")
    add(element, oai("adminEmail"), config["CONTACT_EMAIL"])
    earliest = records.earliest_datestamp()
    add(element, oai("earliestDatestamp"), datestamp(earliest) if earliest else EPOCH)
    # Withdrawn records stay listed as deleted for good.
    add(element, oai("deletedRecord"), "persistent")
    add(element, oai("granularity"), GRANULARITY)
    repository_identifier = config["OAI_IDENTIFIER"]
    if REPOSITORY_IDENTIFIER.match(repository_identifier):
        description = add(element, oai("description"))
        identifier = etree.SubElement(
            description,
            f"{{{OAI_IDENTIFIER_NS}}}oai-identifier",
            nsmap={None: OAI_IDENTIFIER_NS, "xsi": XSI_NS},
        )
        identifier.set(XSI_SCHEMA_LOCATION, f"{OAI_IDENTIFIER_NS} {OAI_IDENTIFIER_XSD}")
        for tag, text in (
            ("scheme", "oai"),
            ("repositoryIdentifier", repository_identifier),
            ("delimiter", ":"),
            ("sampleIdentifier", records.oai_identifier(1)),
        ):
            add(identifier, f"{{{OAI_IDENTIFIER_NS}}}{tag}", text)
    return element


def _record_or_error(identifier: str):
    pk = records.publication_id(identifier)
    publication = None
    if pk is not None:
        publication = records.with_metadata(records.harvestable()).filter(pk=pk).first()
    if publication is None:
        raise IdDoesNotExist(f"There is no record '{identifier}' in this repository.")
    return publication


def list_metadata_formats(
    request: OAIRequest, catalogue: SetCatalogue
) -> etree._Element:
    formats = list(all_formats().values())
    identifier = request.get("identifier")
    if identifier is not None:
        pk = records.publication_id(identifier)
        publication = records.harvestable().filter(pk=pk).first() if pk else None
        if publication is None:
            raise IdDoesNotExist(
                f"There is no record '{identifier}' in this repository."
            )
        formats = [f for f in formats if f.can_disseminate(publication)]
        if not formats:
            raise NoMetadataFormats(f"No metadata format describes '{identifier}'.")
    element = etree.Element(oai("ListMetadataFormats"))
    for metadata_format in formats:
        entry = add(element, oai("metadataFormat"))
        add(entry, oai("metadataPrefix"), metadata_format.prefix)
        add(entry, oai("schema"), metadata_format.schema)
        add(entry, oai("metadataNamespace"), metadata_format.namespace)
    return element


def _format_or_error(prefix: str) -> MetadataFormat:
    metadata_format = get_format(prefix)
    if metadata_format is None:
        known = ", ".join(all_formats())
        raise CannotDisseminateFormat(
            f"'{prefix}' is not a metadata format of this repository ({known})."
        )
    return metadata_format


def _header(parent: etree._Element, record: records.HarvestRecord) -> None:
    header = add(
        parent, oai("header"), attrib={"status": "deleted"} if record.deleted else None
    )
    add(header, oai("identifier"), record.identifier)
    add(header, oai("datestamp"), record.datestamp)
    for spec in record.set_specs:
        add(header, oai("setSpec"), spec)


def _record(
    parent: etree._Element,
    record: records.HarvestRecord,
    metadata_format: MetadataFormat,
) -> None:
    element = add(parent, oai("record"))
    _header(element, record)
    # A deleted record is a header alone (spec 2.5.1).
    if not record.deleted:
        add(element, oai("metadata")).append(metadata_format.metadata(record))


def get_record(request: OAIRequest, catalogue: SetCatalogue) -> etree._Element:
    identifier = request.get("identifier")
    publication = _record_or_error(identifier)
    metadata_format = _format_or_error(request.get("metadataPrefix"))
    if not metadata_format.can_disseminate(publication):
        raise CannotDisseminateFormat(
            f"'{identifier}' cannot be described in {metadata_format.prefix}."
        )
    element = etree.Element(oai("GetRecord"))
    [record] = records.harvest_records([publication], catalogue, metadata=True)
    _record(element, record, metadata_format)
    return element


def _resumption_token(
    parent: etree._Element,
    position: tokens.ListPosition | None,
    *,
    cursor: int,
    size: int,
) -> None:
    """A token for the next page, or the empty one that ends a resumed list."""
    attributes = {"completeListSize": str(size), "cursor": str(cursor)}
    if position is None:
        add(parent, oai("resumptionToken"), attrib=attributes)
        return
    token, expires = tokens.issue(position)
    attributes["expirationDate"] = datestamp(expires)
    add(parent, oai("resumptionToken"), token, attributes)


def _list_request(request: OAIRequest) -> tokens.ListPosition:
    """The list a request asks for, from its arguments or its token."""
    token = request.get("resumptionToken")
    if token is not None:
        return tokens.read(token, request.verb)
    return tokens.ListPosition(
        verb=request.verb,
        cursor=0,
        size=None,
        metadata_prefix=request.get("metadataPrefix"),
        set_spec=request.get("set"),
        start=request.get("from"),
        until=request.get("until"),
    )


def _list_items(request: OAIRequest, catalogue: SetCatalogue) -> etree._Element:
    """ListRecords and ListIdentifiers: one page in harvest order."""
    position = _list_request(request)
    resumed = position.after_id is not None
    metadata_format = _format_or_error(position.metadata_prefix)
    start, until = parse_range(position.start, position.until)
    matching = records.in_range(
        metadata_format.restrict(records.harvestable()), start, until
    )
    if position.set_spec is not None:
        set_filter = catalogue.filter_for(position.set_spec)
        if set_filter is None:
            raise NoRecordsMatch(f"There is no set '{position.set_spec}'.")
        matching = matching.filter(set_filter)

    with_metadata = request.verb == "ListRecords"
    page = matching
    if resumed:
        page = records.after(page, position.after_updated_at, position.after_id)
    if with_metadata:
        page = records.with_metadata(page)
    else:
        page = page.only("id", "updated_at", "status", "document_type_id")
    size = page_size(request.verb)
    rows = list(records.in_harvest_order(page)[: size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    if not rows:
        raise NoRecordsMatch("No records match the request.")

    element = etree.Element(oai(request.verb))
    for record in records.harvest_records(rows, catalogue, metadata=with_metadata):
        if with_metadata:
            _record(element, record, metadata_format)
        else:
            _header(element, record)
    if has_more or resumed:
        # Counted once, on the first page, and carried in the token.
        complete = position.size if position.size is not None else matching.count()
        next_position = None
        if has_more:
            last = rows[-1]
            next_position = dataclasses.replace(
                position,
                cursor=position.cursor + len(rows),
                size=complete,
                after_updated=last.updated_at.isoformat(),
                after_id=last.pk,
            )
        _resumption_token(element, next_position, cursor=position.cursor, size=complete)
    return element


def list_sets(request: OAIRequest, catalogue: SetCatalogue) -> etree._Element:
    token = request.get("resumptionToken")
    position = (
        tokens.read(token, "ListSets")
        if token is not None
        else tokens.ListPosition(verb="ListSets", cursor=0, size=None)
    )
    sets = catalogue.all_sets()
    remaining = sets
    if position.after_spec is not None:
        remaining = [entry for entry in sets if entry[0] > position.after_spec]
    size = page_size("ListSets")
    page, has_more = remaining[:size], len(remaining) > size
    if not page:
        raise BadResumptionToken("The list of sets has changed; ask for it again.")
    element = etree.Element(oai("ListSets"))
    for spec, name in page:
        entry = add(element, oai("set"))
        add(entry, oai("setSpec"), spec)
        add(entry, oai("setName"), name)
    if has_more or token is not None:
        complete = position.size if position.size is not None else len(sets)
        next_position = None
        if has_more:
            next_position = tokens.ListPosition(
                verb="ListSets",
                cursor=position.cursor + len(page),
                size=complete,
                after_spec=page[-1][0],
            )
        _resumption_token(element, next_position, cursor=position.cursor, size=complete)
    return element


HANDLERS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": _list_items,
    "ListRecords": _list_items,
}


def answer(request: OAIRequest) -> etree._Element:
    """The verb's element for a request whose arguments are already checked."""
    return HANDLERS[request.verb](request, SetCatalogue())
