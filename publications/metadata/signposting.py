"""FAIR Signposting (https://signposting.org/FAIR/): typed links from a
record's landing page to its persistent identifier, its authors, its metadata
records and its type, for machines that read HTTP headers rather than HTML.

The Link header (RFC 8288) stays small, as Signposting advises: at most
AUTHOR_LINK_LIMIT author links, and a `linkset` link to the linkset (RFC 9264),
which carries every link in text (application/linkset) and JSON
(application/linkset+json).
"""

from dataclasses import dataclass

from django.urls import reverse

from ..models import Publication
from . import common

AUTHOR_LINK_LIMIT = 10
ABOUT_PAGE = "https://schema.org/AboutPage"
LINKSET_TYPE = "application/linkset"
LINKSET_JSON_TYPE = "application/linkset+json"


@dataclass(frozen=True)
class Signpost:
    rel: str
    href: str
    type: str = ""


def _quoted(value: str) -> str:
    """An RFC 9110 quoted-string."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def landing_page_signposts(
    publication: Publication, *, author_limit: int | None = None
) -> list[Signpost]:
    """The landing page's links: cite-as, author, describedby, type."""
    signposts = [
        # The DOI is the identifier to cite; without one, the permanent record URL.
        Signpost(
            "cite-as", common.doi_url(publication) or common.record_url(publication)
        )
    ]
    orcids = []
    for author in common.authors(publication):
        if author.orcid_url and author.orcid_url not in orcids:
            orcids.append(author.orcid_url)
    if author_limit is not None:
        orcids = orcids[:author_limit]
    signposts += [Signpost("author", url) for url in orcids]
    signposts += [
        Signpost("describedby", export.url, export.media_type)
        for export in common.export_links(publication)
    ]
    signposts += [
        Signpost("type", common.schema_type_url(publication)),
        Signpost("type", ABOUT_PAGE),
    ]
    return signposts


def linkset_urls(publication: Publication) -> list[Signpost]:
    """The `linkset` links to the record's linkset, text and JSON."""
    return [
        Signpost(
            "linkset",
            common.absolute_url(reverse(route, args=[publication.pk])),
            media_type,
        )
        for route, media_type in (
            ("publications:linkset", LINKSET_TYPE),
            ("publications:linkset_json", LINKSET_JSON_TYPE),
        )
    ]


def link_value(signpost: Signpost, *, anchor: str = "") -> str:
    """One link-value of a Link header or a text linkset."""
    parts = [f"<{signpost.href}>", f"rel={_quoted(signpost.rel)}"]
    if signpost.type:
        parts.append(f"type={_quoted(signpost.type)}")
    if anchor:
        parts.append(f"anchor={_quoted(anchor)}")
    return "; ".join(parts)


def link_header(publication: Publication) -> str:
    """The Link header of the record page."""
    signposts = landing_page_signposts(publication, author_limit=AUTHOR_LINK_LIMIT)
    signposts += linkset_urls(publication)
    return ", ".join(link_value(signpost) for signpost in signposts)


def linkset(publication: Publication) -> list[tuple[str, list[Signpost]]]:
    """Every link, grouped by anchor: the landing page's own links, then each
    metadata record's `describes` link back to the landing page."""
    landing = common.record_url(publication)
    groups = [(landing, landing_page_signposts(publication))]
    groups += [
        (export.url, [Signpost("describes", landing)])
        for export in common.export_links(publication)
    ]
    return groups


def linkset_text(publication: Publication) -> str:
    """The linkset as application/linkset: link-values with explicit anchors,
    one a line (RFC 9264 section 4.1)."""
    return (
        ",\n".join(
            link_value(signpost, anchor=anchor)
            for anchor, signposts in linkset(publication)
            for signpost in signposts
        )
        + "\n"
    )


def linkset_json(publication: Publication) -> dict:
    """The linkset as application/linkset+json (RFC 9264 section 4.2)."""
    contexts = []
    for anchor, signposts in linkset(publication):
        context: dict = {"anchor": anchor}
        for signpost in signposts:
            target = {"href": signpost.href}
            if signpost.type:
                target["type"] = signpost.type
            context.setdefault(signpost.rel, []).append(target)
        contexts.append(context)
    return {"linkset": contexts}
