"""What every crawler-facing vocabulary says about one record, worked out once.

Pure functions of a Publication loaded with `for_record()` (venue, document
type, authorships with their people, subjects, keywords), so building every
head tag, the JSON-LD and the signposts of a page makes no query.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from .. import citation
from ..dates import PartialDate
from ..exports import EXPORT_FORMATS
from ..exports.pages import parse_pages
from ..exports.text import html_to_text, one_line
from ..models import Publication

# Each citation export of a record and the route that serves it
# (publications/urls.py), in the order the page lists them.
EXPORT_ROUTES = (
    ("bibtex", "publications:cite_bibtex"),
    ("ris", "publications:cite_ris"),
    ("csl-json", "publications:cite_csl_json"),
    ("endnote", "publications:cite_endnote"),
)

# A page that is one token: "609", "e1234", "S12". Anything with spaces,
# commas or dashes left over is not a single page.
SINGLE_PAGE = re.compile(r"^[A-Za-z]*\d+[A-Za-z]*$|^[ivxlcdmIVXLCDM]+$")


@dataclass(frozen=True)
class Author:
    """One author as the vocabularies need them, in page order."""

    given: str
    family: str
    suffix: str
    inverted: str  # "Henter, Jan-Inge": Google Scholar's and Dublin Core's form
    display: str  # "Jan-Inge Henter"
    orcid_url: str
    affiliation: str


@dataclass(frozen=True)
class ExportLink:
    """A citation file of the record: where it is, what it is, what to save it as."""

    label: str
    url: str
    media_type: str  # without parameters: "application/x-bibtex"
    filename: str


def absolute_url(path: str) -> str:
    """A path of this site as an absolute URL under the deployment's BASE_URL."""
    return f"{settings.REPOSITORY['BASE_URL'].rstrip('/')}{path}"


def record_url(publication: Publication) -> str:
    return citation.permanent_url(publication)


def orcid_url(orcid: str) -> str:
    return f"https://orcid.org/{orcid}" if orcid else ""


def doi_url(publication: Publication) -> str:
    return citation.doi_url(publication.doi) if publication.doi else ""


def pubmed_url(publication: Publication) -> str:
    if not publication.pmid:
        return ""
    return f"https://pubmed.ncbi.nlm.nih.gov/{publication.pmid}/"


def authors(publication: Publication) -> list[Author]:
    found = []
    for authorship in publication.authorships.all():
        person = authorship.person
        found.append(
            Author(
                given=one_line(person.given_names),
                family=one_line(person.family_name),
                suffix=one_line(person.suffix),
                inverted=one_line(person.sort_name),
                display=one_line(person.display_name),
                orcid_url=orcid_url(person.orcid or ""),
                affiliation=one_line(authorship.affiliation),
            )
        )
    return found


def slash_date(date: PartialDate) -> str:
    """Google Scholar's date form, as precise as known: "2013/06", "2013/06/12"."""
    return date.iso.replace("-", "/")


def page_bounds(pages: str) -> tuple[str, str]:
    """(first page, last page) with NLM's shortened last page expanded:
    '609-22' -> ('609', '622'); 'e1234' -> ('e1234', ''). Text that is not a
    page or one range ("1-5, 7-9") gives ('', ''): no tag beats a wrong one."""
    page_range = parse_pages(one_line(pages))
    if page_range is None:
        return "", ""
    if page_range.last:
        return page_range.first, page_range.last
    if SINGLE_PAGE.match(page_range.first):
        return page_range.first, ""
    return "", ""


def abstract_text(publication: Publication) -> str:
    """The abstract as plain text on one line (the sanitised HTML unwrapped)."""
    return one_line(html_to_text(publication.abstract))


def summary(text: str, limit: int = 300) -> str:
    """`text` cut at a word boundary to at most `limit` characters."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return f"{cut}…"


def container_title(publication: Publication) -> str:
    return one_line(publication.venue.title) if publication.venue else ""


def issns(publication: Publication) -> list[str]:
    """Print ISSN, then electronic, each once."""
    venue = publication.venue
    if venue is None:
        return []
    found = []
    for issn in (venue.issn, venue.eissn):
        issn = one_line(issn)
        if issn and issn not in found:
            found.append(issn)
    return found


def publisher(publication: Publication) -> str:
    return one_line(publication.venue.publisher) if publication.venue else ""


def export_links(publication: Publication) -> list[ExportLink]:
    links = []
    for key, route in EXPORT_ROUTES:
        export = EXPORT_FORMATS[key]
        links.append(
            ExportLink(
                label=export.label,
                url=absolute_url(reverse(route, args=[publication.pk])),
                media_type=export.media_type.split(";")[0].strip(),
                filename=export.filename(publication),
            )
        )
    return links


def schema_type_url(publication: Publication) -> str:
    return f"https://schema.org/{publication.document_type.schema_type}"
