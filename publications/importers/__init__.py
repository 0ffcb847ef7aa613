"""Import parsers: one module per input format, all producing the same
`NormalisedRecord` (see base.py). Parsing only; writing is the caller's job.

    parser = guess_format(upload.name, upload.read(HEAD_SIZE))
    upload.seek(0)
    result = ParseResult.collect(parser.parse(upload))
"""

from pathlib import PurePath

from .base import (
    DOCUMENT_TYPES,
    ImportIssue,
    NormalisedAuthor,
    NormalisedKeyword,
    NormalisedLink,
    NormalisedRecord,
    Parser,
    ParseResult,
    Severity,
)
from .bibtex import BibTeXParser
from .crossref import CrossrefParser
from .oai_dc import OAIDublinCoreParser
from .pubmed import PubMedParser
from .ris import RISParser
from .spreadsheet import DigitalCommonsCSVParser, DigitalCommonsXLSXParser

__all__ = [
    "DOCUMENT_TYPES",
    "HEAD_SIZE",
    "PARSERS",
    "ImportIssue",
    "NormalisedAuthor",
    "NormalisedKeyword",
    "NormalisedLink",
    "NormalisedRecord",
    "ParseResult",
    "Parser",
    "Severity",
    "UnknownFormatError",
    "get_parser",
    "guess_format",
]

# Enough of a file's start for every parser's sniff.
HEAD_SIZE = 8192

# Parsers hold no state between calls, so one instance of each serves all.
PARSERS: dict[str, Parser] = {
    parser.name: parser
    for parser in (
        PubMedParser(),
        OAIDublinCoreParser(),
        RISParser(),
        BibTeXParser(),
        CrossrefParser(),
        DigitalCommonsCSVParser(),
        DigitalCommonsXLSXParser(),
    )
}


class UnknownFormatError(ValueError):
    """No parser fits the file; the message names the formats there are."""


def supported_formats() -> str:
    return "; ".join(
        f"{parser.label} ({', '.join(parser.extensions)})"
        for parser in PARSERS.values()
    )


def get_parser(name: str) -> Parser:
    try:
        return PARSERS[name]
    except KeyError:
        raise UnknownFormatError(
            f"“{name}” is not an import format. Formats: {', '.join(PARSERS)}."
        ) from None


def guess_format(filename: str, head: bytes) -> Parser:
    """The parser for a file, from its first bytes and then its extension.

    The content wins over the name (a .txt may be RIS); where no content
    matches but the extension does, that parser is used so its own issues
    explain what is wrong (a .xml that is not PubMed, a .csv without title).
    """
    extension = PurePath(filename).suffix.lower()
    by_extension = [p for p in PARSERS.values() if extension in p.extensions]
    for parser in [*by_extension, *PARSERS.values()]:
        if head and parser.sniff(head):
            return parser
    if by_extension:
        return by_extension[0]
    if not head.strip():
        raise UnknownFormatError(f"“{filename}” is empty.")
    raise UnknownFormatError(
        f"Cannot tell the format of “{filename}”. Supported formats: "
        f"{supported_formats()}."
    )
