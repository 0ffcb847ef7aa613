"""What a record's search document holds, and how much each part weighs.

| part     | text                                                  | weight |
| -------- | ----------------------------------------------------- | ------ |
| title    | the title                                             | A      |
| authors  | names as printed, and each person's given and family  | B      |
| keywords | keyword terms (MeSH headings, author keywords)        | B      |
| subjects | discipline names                                      | B      |
| abstract | the abstract, tags stripped                           | C      |
| venue    | journal/book/conference title and abbreviation        | D      |

Beside the text, the index keeps the keys filters, facets and sorts need: year,
document type, date sort key, title sort key, and the ids of the record's
departments (with every parent unit), subjects (with every broader subject),
keywords and authors. Storing the ancestors makes "a department includes its
sub-units" a plain membership test, and its facet count exact.

PostgreSQL builds the same document in SQL (postgres.py, set-based for
rebuilds); SQLite builds it here in Python.
"""

import html
import re
import unicodedata
from dataclasses import dataclass

from django.db.models import Prefetch

from ..models import Authorship, Department, Publication, Subject
from .base import SENTINELS

# Parts in index order, with their weight letter.
PARTS = (
    ("title", "A"),
    ("authors", "B"),
    ("keywords", "B"),
    ("subjects", "B"),
    ("abstract", "C"),
    ("venue", "D"),
)
# Relative weights of A..D: PostgreSQL's ts_rank_cd defaults, which FTS5's
# bm25() gets too (scaled), so both engines weigh a title match alike.
WEIGHTS = {"A": 1.0, "B": 0.4, "C": 0.2, "D": 0.1}
TITLE_SORT_LENGTH = 200

_TAG = re.compile(r"<[^>]*>")


def clean_text(text: str | None) -> str:
    """Text as indexed: no NUL bytes and no highlight sentinels."""
    if not text:
        return ""
    text = text.replace("\x00", " ")
    for sentinel in SENTINELS:
        text = text.replace(sentinel, "")
    return text


def abstract_text(abstract_html: str | None) -> str:
    """The abstract's words: tags become spaces, entities become characters."""
    return clean_text(html.unescape(_TAG.sub(" ", abstract_html or "")))


def title_sort_key(title: str) -> str:
    """Lower case without accents, so "Évaluation" sorts with "evaluation"."""
    decomposed = unicodedata.normalize("NFKD", title.lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return plain.strip()[:TITLE_SORT_LENGTH]


def author_text(name_as_printed: str, person) -> str:
    """An author as the document holds them: the name as printed, then the
    person's given and family names."""
    return f"{name_as_printed} {person.given_names} {person.family_name}"


def names_text(authors: list[str], keywords: list[str], subjects: list[str]) -> str:
    """A record's names in one text, as PostgreSQL's documents join them
    (postgres_sql.py): its authors (author_text) in order, then its keywords
    in the record's order, then its subjects sorted, each once; a kind
    without names adds nothing."""
    parts = (authors, keywords, sorted(set(subjects)))
    return " ".join(" ".join(names) for names in parts if names)


def venue_text(venue) -> str:
    """A venue as the document holds it: its title and abbreviation (as
    PostgreSQL's concat_ws joins them, leaving out only what is unset)."""
    if venue is None:
        return ""
    return " ".join(
        part for part in (venue.title, venue.abbreviation) if part is not None
    )


@dataclass(frozen=True)
class SearchDocument:
    publication_id: int
    title: str
    authors: str
    keywords: str
    subjects: str
    abstract: str
    venue: str
    year: int
    document_type_id: int
    date_sort: int
    title_sort: str
    department_ids: tuple[int, ...]
    subject_ids: tuple[int, ...]
    keyword_ids: tuple[int, ...]
    author_ids: tuple[int, ...]


def with_ancestors(ids, parents: dict[int, int | None]) -> tuple[int, ...]:
    """The ids and every ancestor's, sorted; a cycle in bad data stops."""
    found: set[int] = set()
    for start in ids:
        node = start
        while node is not None and node not in found:
            found.add(node)
            node = parents.get(node)
    return tuple(sorted(found))


def documents_for(publication_ids) -> list[SearchDocument]:
    """Search documents of the published records among these ids, in a fixed
    number of queries."""
    publications = (
        Publication.objects.published()
        .filter(pk__in=list(publication_ids))
        .select_related("venue")
        .prefetch_related(
            "keywords",
            "subjects",
            "department_links",
            Prefetch(
                "authorships",
                queryset=Authorship.objects.select_related("person"),
            ),
        )
    )
    department_parents = dict(Department.objects.values_list("id", "parent_id"))
    subject_parents = dict(Subject.objects.values_list("id", "parent_id"))
    documents = []
    for publication in publications:
        authorships = list(publication.authorships.all())
        keywords = list(publication.keywords.all())
        subjects = list(publication.subjects.all())
        venue = publication.venue
        documents.append(
            SearchDocument(
                publication_id=publication.pk,
                title=clean_text(publication.title),
                authors=clean_text(
                    " ".join(
                        author_text(a.name_as_printed, a.person) for a in authorships
                    )
                ),
                keywords=clean_text(" ".join(k.term for k in keywords)),
                subjects=clean_text(" ".join(s.name for s in subjects)),
                abstract=abstract_text(publication.abstract),
                venue=clean_text(
                    f"{venue.title} {venue.abbreviation}" if venue else ""
                ),
                year=publication.pub_year,
                document_type_id=publication.document_type_id,
                date_sort=publication.date_sort,
                title_sort=title_sort_key(publication.title),
                department_ids=with_ancestors(
                    [link.department_id for link in publication.department_links.all()],
                    department_parents,
                ),
                subject_ids=with_ancestors([s.pk for s in subjects], subject_parents),
                keyword_ids=tuple(sorted(k.pk for k in keywords)),
                author_ids=tuple(sorted({a.person_id for a in authorships})),
            )
        )
    return documents
