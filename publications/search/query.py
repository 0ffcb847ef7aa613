"""Reading the reader's query: identifiers that lead straight to a record, and
the search syntax both engines share.

The syntax is PostgreSQL's `websearch_to_tsquery`: words (all must match),
"quoted phrases", `or` between alternatives, `-word` to exclude. It is parsed
here once, so both engines read the same query the same way: PostgreSQL gets
the parsed query written back in that syntax, SQLite gets FTS5 syntax in
which every word is a quoted string, so nothing a reader types (quotes,
NUL bytes, FTS5 operators, `column:` filters) reaches MATCH as syntax.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from ..identifiers import normalize_doi, normalize_pmid

MAX_QUERY_LENGTH = 500
MAX_TERMS = 32  # more words than this add nothing but work

_DOI_IN_TEXT = re.compile(
    r"^(?:https?://(?:dx\.)?doi\.org/|(?:dx\.)?doi\.org/|doi:\s*)?(10\.\d{4,9}/\S+)$",
    re.IGNORECASE,
)
_PMID_IN_TEXT = re.compile(r"^(?:pmid:?\s*)?(\d{1,10})$", re.IGNORECASE)
_WORD_CHARACTER = re.compile(r"\w")


def clean_query(text: str) -> tuple[str, bool]:
    """The query without control characters (NUL and the like), whitespace
    collapsed, cut to MAX_QUERY_LENGTH; and whether it was cut."""
    text = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs", "Zl", "Zp") else ch
        for ch in text
    )
    text = " ".join(text.split())
    if len(text) > MAX_QUERY_LENGTH:
        return text[:MAX_QUERY_LENGTH].rstrip(), True
    return text, False


def identifier_in_query(text: str) -> tuple[str, str] | None:
    """("doi", normalised DOI) or ("pmid", digits) when the whole query is a
    DOI, a doi.org URL, "doi:..." or a PubMed ID ("23573877", "PMID: 123")."""
    text = text.strip()
    match = _DOI_IN_TEXT.match(text)
    if match:
        try:
            return "doi", normalize_doi(match.group(1))
        except ValidationError:
            return None
    match = _PMID_IN_TEXT.match(text)
    if match:
        try:
            return "pmid", normalize_pmid(match.group(1))
        except ValidationError:
            return None
    return None


@dataclass(frozen=True)
class Item:
    """A word or a phrase (several words), possibly excluded."""

    words: tuple[str, ...]
    excluded: bool = False

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1


@dataclass(frozen=True)
class ParsedQuery:
    """Alternatives joined by OR; each a conjunction of items (websearch
    precedence: `a b or c` is (a AND b) OR c)."""

    alternatives: tuple[tuple[Item, ...], ...]

    def __bool__(self) -> bool:
        return bool(self.alternatives)

    @property
    def words(self) -> list[str]:
        """The words to find (not the excluded ones), each once, in order."""
        seen: dict[str, None] = {}
        for conjunction in self.alternatives:
            for item in conjunction:
                if not item.excluded:
                    for word in item.words:
                        seen.setdefault(word, None)
        return list(seen)

    def any_word(self) -> "ParsedQuery":
        """A query that finds any one of the words to find: what marks the
        authors and keywords a hit matched on."""
        return ParsedQuery(tuple((Item((word,)),) for word in self.words))

    def to_websearch(self) -> str:
        """The query again in websearch_to_tsquery syntax, with only words the
        parser accepted (PostgreSQL reads any text safely; this keeps both
        engines on the same query)."""
        return " or ".join(
            " ".join(
                ("-" if item.excluded else "")
                + (f'"{" ".join(item.words)}"' if item.is_phrase else item.words[0])
                for item in conjunction
            )
            for conjunction in self.alternatives
        )

    def to_fts5(self) -> str:
        """FTS5 MATCH syntax: every word a quoted string, explicit operators."""

        def quoted(item: Item) -> str:
            return '"' + " ".join(item.words).replace('"', '""') + '"'

        parts = []
        for conjunction in self.alternatives:
            wanted = " AND ".join(quoted(i) for i in conjunction if not i.excluded)
            for item in conjunction:
                if item.excluded:
                    wanted = f"({wanted}) NOT {quoted(item)}"
            parts.append(f"({wanted})")
        return " OR ".join(parts)


def _words_of(text: str) -> tuple[str, ...]:
    """Words with at least one letter or digit; punctuation alone is no word.
    Quotes never survive (they are the phrase delimiters), nor does a dash
    before a word: inside quotes it is punctuation, and written back
    (to_websearch) it would read as an exclusion."""
    return tuple(
        word.lstrip("-")
        for word in text.replace('"', " ").split()
        if _WORD_CHARACTER.search(word)
    )


def parse_query(text: str) -> ParsedQuery:
    """Parse cleaned query text. Never raises: an unbalanced quote runs to the
    end, stray operators are dropped, an alternative with nothing to find
    (only exclusions) is dropped, as is anything past MAX_TERMS words."""
    tokens: list[tuple[str, str]] = []  # ("or"|"word"|"phrase", text)
    position = 0
    while position < len(text):
        if text[position].isspace():
            position += 1
        elif text[position] == '"' or text.startswith('-"', position):
            excluded = text[position] == "-"
            start = position + (2 if excluded else 1)
            end = text.find('"', start)
            end = len(text) if end == -1 else end
            tokens.append(("-phrase" if excluded else "phrase", text[start:end]))
            position = end + 1
        else:
            end = position
            while end < len(text) and not text[end].isspace() and text[end] != '"':
                end += 1
            token = text[position:end]
            tokens.append(("or" if token.lower() == "or" else "word", token))
            position = end

    alternatives: list[tuple[Item, ...]] = []
    current: list[Item] = []
    budget = MAX_TERMS
    for kind, value in tokens:
        if kind == "or":
            if current:
                alternatives.append(tuple(current))
            current = []
            continue
        excluded = kind == "-phrase" or (kind == "word" and value.startswith("-"))
        words = _words_of(value.lstrip("-") if kind == "word" else value)
        if not words or budget <= 0:
            continue
        words = words[:budget]
        budget -= len(words)
        current.append(Item(words, excluded))
    if current:
        alternatives.append(tuple(current))
    return ParsedQuery(
        tuple(alt for alt in alternatives if any(not item.excluded for item in alt))
    )
