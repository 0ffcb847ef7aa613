"""The search contract every engine implements, and the values it returns.

A backend stores one search document per published record (see document.py)
and answers `search()` with the ids of one page of hits, in order, plus the
total, the facet counts of the whole result set and highlighted snippets for
the rows of that page only. Views never see SQL; they read the page's listing
entries (entries.published_entries) and keep this order.
"""

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Sort orders a reader can choose; RELEVANCE needs a query.
RELEVANCE, NEWEST, OLDEST, TITLE = "relevance", "newest", "oldest", "title"
SORTS = (RELEVANCE, NEWEST, OLDEST, TITLE)

# Highlight sentinels: private-use characters that document.clean_text()
# removes from every stored text, so they can only come from the engine's
# highlighter. The text is HTML-escaped first, then they become <mark>.
MARK_START, MARK_STOP = "\ue000", "\ue001"
# PostgreSQL's headline parser drops anything that looks like a tag, even
# text such as "<b>" that an abstract spells out; angle brackets travel as
# these two private-use characters and come back before escaping.
ANGLE_OPEN, ANGLE_CLOSE = "\ue002", "\ue003"
SENTINELS = (MARK_START, MARK_STOP, ANGLE_OPEN, ANGLE_CLOSE)

# The deepest result a reader can page to: relevance ranks a bounded
# candidate set, and deep OFFSETs cost the engine without helping a reader.
MAX_RESULTS = 1_000

# Facets the search page shows, in order.
FACETS = ("department", "subject", "type", "year", "keyword")
TOP_KEYWORDS = 10


@dataclass(frozen=True)
class SearchFilters:
    """Filters as ids (already validated by the FilterSet). A department or a
    subject includes its sub-units / narrower subjects."""

    department: int | None = None
    subject: int | None = None
    keyword: int | None = None
    document_type: int | None = None
    author: int | None = None
    year_from: int | None = None
    year_to: int | None = None


# Matched authors or keywords shown per hit, at most.
MAX_REASONS = 5


@dataclass(frozen=True)
class Reasons:
    """Why a hit matched besides its title and abstract: its authors and
    keywords that hold a word of the query (any one of them), highlighted
    and escaped: authors in the record's order, keywords by term; and how
    many more there were."""

    authors: tuple[SafeString, ...] = ()
    keywords: tuple[SafeString, ...] = ()
    more_authors: int = 0
    more_keywords: int = 0

    @property
    def author_total(self) -> int:
        return len(self.authors) + self.more_authors

    @property
    def keyword_total(self) -> int:
        return len(self.keywords) + self.more_keywords


@dataclass(frozen=True)
class Hit:
    publication_id: int
    title_html: SafeString | None = None  # the title with <mark>, escaped
    snippet_html: SafeString | None = None  # an abstract excerpt, escaped
    url: str | None = None  # the record page, set by the view for the page shown
    reasons: Reasons | None = None  # only when authors or keywords matched


@dataclass
class SearchPage:
    hits: list[Hit]
    total: int
    # True when `total` and the facet counts come from a sample of a very
    # large result set: the page says "about".
    estimated: bool = False
    # facet name -> [(value id or year, count)], largest first (years newest first)
    facets: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    suggestion: str | None = None  # "did you mean", for a query that found nothing

    @property
    def ids(self) -> list[int]:
        return [hit.publication_id for hit in self.hits]


class Progress:
    """What `rebuild()` reports to: a tqdm bar or anything with update(n)."""

    def update(self, n: int = 1) -> None:  # pragma: no cover - interface
        pass


ProgressFactory = Callable[..., AbstractContextManager[Progress]]


class DocumentTexts(NamedTuple):
    """The texts a record's document is parsed from, as stored: its title,
    its abstract, its names (document.names_text) and its venue's title and
    abbreviation (document.venue_text)."""

    title: str
    abstract: str
    names: str
    venue: str


# Documents computed ahead, by the texts they were computed from, for the
# index writes of this context (search.documents_known).
DOCUMENTS_KNOWN: ContextVar[dict[DocumentTexts, tuple] | None] = ContextVar(
    "search_documents_known", default=None
)


class SearchBackend:
    """One engine. Subclasses implement every method."""

    vendor = ""

    def search(
        self,
        query: str,
        filters: SearchFilters,
        sort: str,
        page: int,
        per_page: int,
    ) -> SearchPage:
        """One page of hits; `query` is the reader's text ("" for none)."""
        raise NotImplementedError

    def index(self, publication_ids: Iterable[int]) -> None:
        """Bring these records' documents up to date: published ones are
        (re)written, any other is removed; the collection's kept counts
        (counts.py) move with them."""
        raise NotImplementedError

    def remove(self, publication_ids: Iterable[int]) -> None:
        raise NotImplementedError

    def documents(self, texts: Iterable[DocumentTexts]) -> dict[DocumentTexts, tuple]:
        """The documents of records with these texts, for an engine that
        stores them; an engine that does not returns none."""
        return {}

    def rebuild(self, progress: ProgressFactory | None = None) -> int:
        """Rewrite the whole index from the published records, and count
        the collection again; returns how many were indexed."""
        raise NotImplementedError


def highlighted(text: str | None) -> SafeString | None:
    """Escape text that carries highlight sentinels, then turn the sentinels
    into <mark>: nothing from the record or the query reaches the page raw."""
    if text is None:
        return None
    escaped = escape(text.replace(ANGLE_OPEN, "<").replace(ANGLE_CLOSE, ">"))
    return mark_safe(  # noqa: S308 - escaped above; only our tags are added
        escaped.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
    )


def author_reason(printed: str, full: str) -> str:
    """An author as a reason, with highlight sentinels: the name as printed
    when the match is there, else with the full name after it ("Henter JI
    (Jan-Inge Henter)", the given name being what matched)."""
    if MARK_START in printed or not full:
        return printed
    return f"{printed} ({full})" if printed else full


def with_reasons(hits: list[Hit], rows) -> list[Hit]:
    """The hits, each with its Reasons from the engines' rows (record id,
    "author" or "keyword", highlighted text), in the order shown."""
    found: dict[int, dict[str, list[SafeString]]] = {}
    for pk, kind, text in rows:
        found.setdefault(pk, {"author": [], "keyword": []})[kind].append(
            highlighted(text)
        )
    reasons = {
        pk: Reasons(
            tuple(lists["author"][:MAX_REASONS]),
            tuple(lists["keyword"][:MAX_REASONS]),
            max(0, len(lists["author"]) - MAX_REASONS),
            max(0, len(lists["keyword"]) - MAX_REASONS),
        )
        for pk, lists in found.items()
    }
    return [replace(hit, reasons=reasons.get(hit.publication_id)) for hit in hits]


def facet_counts(rows) -> tuple[int, dict[str, list[tuple]]]:
    """(total, {facet: [(value, count)]}) from the engines' (facet, value,
    count) rows, where the facet "total" carries the match count: years
    newest first, every other facet most frequent first."""
    total = 0
    facets: dict[str, list[tuple]] = {
        name: [] for name in ("year", "type", "department", "subject", "keyword")
    }
    for name, value, count in rows:
        if name == "total":
            total = count
        else:
            facets[name].append((value, count))
    for name, values in facets.items():
        if name == "year":
            values.sort(reverse=True)
        else:
            values.sort(key=lambda pair: (-pair[1], pair[0]))
    return total, facets
