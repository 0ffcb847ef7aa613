"""The six OAI-PMH verbs (spec 4). Each takes the checked request and returns
the element named after the verb, written as XML text; errors are raised as
OAIError."""

import dataclasses
import re

from django.conf import settings

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
from .markup import attributes, element
from .sets import SetCatalogue

OAI_IDENTIFIER_NS = "http://www.openarchives.org/OAI/2.0/oai-identifier"
OAI_IDENTIFIER_XSD = "http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"
# oai-identifier.xsd's repositoryIdentifierType: a domain name.
REPOSITORY_IDENTIFIER = re.compile(
    r"^[a-zA-Z0-9][a-zA-Z0-9\-]*(\.[a-zA-Z0-9][a-zA-Z0-9\-]*)+$"
)
OAI_IDENTIFIER_START = (
    f'<oai-identifier xmlns="{OAI_IDENTIFIER_NS}" '
    f'xsi:schemaLocation="{OAI_IDENTIFIER_NS} {OAI_IDENTIFIER_XSD}">'
)
EPOCH = "1970-01-01T00:00:00Z"

PAGE_SIZES = {
    "ListRecords": ("OAI_LIST_RECORDS_PAGE_SIZE", 500),
    "ListIdentifiers": ("OAI_LIST_IDENTIFIERS_PAGE_SIZE", 500),
    "ListSets": ("OAI_LIST_SETS_PAGE_SIZE", 500),
}


def page_size(verb: str) -> int:
    name, default = PAGE_SIZES[verb]
    return max(1, int(getattr(settings, name, default)))


def base_url() -> str:
    return settings.REPOSITORY["BASE_URL"].rstrip("/") + "/oai"


def identify(request: OAIRequest, catalogue: SetCatalogue) -> str:
    config = settings.REPOSITORY
    earliest = records.earliest_datestamp()
    parts = [
        "<Identify>",
        element("repositoryName", config["NAME"]),
        element("baseURL", base_url()),
        element("protocolVersion", "2.0"),
        element("adminEmail", config["CONTACT_EMAIL"]),
        element("earliestDatestamp", datestamp(earliest) if earliest else EPOCH),
        # Withdrawn records stay listed as deleted for good.
        element("deletedRecord", "persistent"),
        element("granularity", GRANULARITY),
    ]
    repository_identifier = config["OAI_IDENTIFIER"]
    if REPOSITORY_IDENTIFIER.match(repository_identifier):
        parts += [
            f"<description>{OAI_IDENTIFIER_START}",
            element("scheme", "oai"),
            element("repositoryIdentifier", repository_identifier),
            element("delimiter", ":"),
            element("sampleIdentifier", records.oai_identifier(1)),
            "</oai-identifier></description>",
        ]
    parts.append("</Identify>")
    return "".join(parts)


def _record_or_error(identifier: str, catalogue: SetCatalogue) -> records.HarvestRecord:
    """One record with its metadata, read as a ListRecords page reads them."""
    pk = records.publication_id(identifier)
    rows = []
    if pk is not None:
        rows = records.as_rows(records.harvestable().filter(pk=pk), metadata=True)
    found = records.harvest_records(rows, catalogue, metadata=True)
    if not found:
        raise IdDoesNotExist(f"There is no record '{identifier}' in this repository.")
    return found[0]


def list_metadata_formats(request: OAIRequest, catalogue: SetCatalogue) -> str:
    formats = list(all_formats().values())
    identifier = request.get("identifier")
    if identifier is not None:
        record = _record_or_error(identifier, catalogue)
        formats = [f for f in formats if f.can_disseminate(record)]
        if not formats:
            raise NoMetadataFormats(f"No metadata format describes '{identifier}'.")
    parts = ["<ListMetadataFormats>"]
    for metadata_format in formats:
        parts += [
            "<metadataFormat>",
            element("metadataPrefix", metadata_format.prefix),
            element("schema", metadata_format.schema),
            element("metadataNamespace", metadata_format.namespace),
            "</metadataFormat>",
        ]
    parts.append("</ListMetadataFormats>")
    return "".join(parts)


def _format_or_error(prefix: str) -> MetadataFormat:
    metadata_format = get_format(prefix)
    if metadata_format is None:
        known = ", ".join(all_formats())
        raise CannotDisseminateFormat(
            f"'{prefix}' is not a metadata format of this repository ({known})."
        )
    return metadata_format


def _header(record: records.HarvestRecord) -> str:
    return "".join(
        (
            '<header status="deleted">' if record.deleted else "<header>",
            element("identifier", record.identifier),
            element("datestamp", record.datestamp),
            *(element("setSpec", spec) for spec in record.set_specs),
            "</header>",
        )
    )


def _record(record: records.HarvestRecord, metadata_format: MetadataFormat) -> str:
    # A deleted record is a header alone (spec 2.5.1).
    if record.deleted:
        return f"<record>{_header(record)}</record>"
    metadata = metadata_format.metadata(record)
    return f"<record>{_header(record)}<metadata>{metadata}</metadata></record>"


def get_record(request: OAIRequest, catalogue: SetCatalogue) -> str:
    identifier = request.get("identifier")
    record = _record_or_error(identifier, catalogue)
    metadata_format = _format_or_error(request.get("metadataPrefix"))
    if not metadata_format.can_disseminate(record):
        raise CannotDisseminateFormat(
            f"'{identifier}' cannot be described in {metadata_format.prefix}."
        )
    return f"<GetRecord>{_record(record, metadata_format)}</GetRecord>"


def _resumption_token(
    position: tokens.ListPosition | None, *, cursor: int, size: int
) -> str:
    """A token for the next page, or the empty one that ends a resumed list."""
    values = {"completeListSize": size, "cursor": cursor}
    if position is None:
        return element("resumptionToken", "", attributes(values))
    token, expires = tokens.issue(position)
    values["expirationDate"] = datestamp(expires)
    return element("resumptionToken", token, attributes(values))


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


def _list_items(request: OAIRequest, catalogue: SetCatalogue) -> str:
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
    page = records.as_rows(records.in_harvest_order(page), metadata=with_metadata)
    size = page_size(request.verb)
    rows = list(page[: size + 1])
    has_more = len(rows) > size
    if not rows:
        raise NoRecordsMatch("No records match the request.")

    page_records = records.harvest_records(
        rows[:size], catalogue, metadata=with_metadata
    )
    parts = [f"<{request.verb}>"]
    if with_metadata:
        parts += [_record(record, metadata_format) for record in page_records]
    else:
        parts += [_header(record) for record in page_records]
    if has_more or resumed:
        # Counted once, on the first page, and carried in the token.
        complete = position.size if position.size is not None else matching.count()
        next_position = None
        if has_more:
            last = page_records[-1]
            next_position = dataclasses.replace(
                position,
                cursor=position.cursor + len(page_records),
                size=complete,
                after_updated=last.updated_at.isoformat(),
                after_id=last.id,
            )
        parts.append(
            _resumption_token(next_position, cursor=position.cursor, size=complete)
        )
    parts.append(f"</{request.verb}>")
    return "".join(parts)


def list_sets(request: OAIRequest, catalogue: SetCatalogue) -> str:
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
    parts = ["<ListSets>"]
    for spec, name in page:
        parts.append(f"<set>{element('setSpec', spec)}{element('setName', name)}</set>")
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
        parts.append(
            _resumption_token(next_position, cursor=position.cursor, size=complete)
        )
    parts.append("</ListSets>")
    return "".join(parts)


HANDLERS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": _list_items,
    "ListRecords": _list_items,
}


def answer(request: OAIRequest) -> str:
    """The verb's element for a request whose arguments are already checked."""
    return HANDLERS[request.verb](request, SetCatalogue())
