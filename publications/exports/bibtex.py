"""BibTeX, for LaTeX with BibTeX or biblatex/biber.

Text stays UTF-8 (biber, bibtexparser 2 and modern BibTeX engines read it);
only the characters LaTeX gives a meaning to are escaped. Words with capitals
past their first letter ("HLH", "mRNA") are braced so styles that lower-case
titles keep them. DOI and URL are verbatim fields in biblatex and are not
escaped; the few characters that would unbalance the entry are percent-encoded.
"""

import re
from urllib.parse import quote

from .base import ExportFormat, ExportRecord, Name
from .text import one_line

LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
LATEX_SPECIAL = re.compile("|".join(re.escape(char) for char in LATEX_SPECIALS))
# A word BibTeX would read as the separator between two names.
AND_WORD = re.compile(r"\band\b", re.IGNORECASE)

MONTH_MACROS = "jan feb mar apr may jun jul aug sep oct nov dec".split()

# Which field holds the venue, by BibTeX entry type.
CONTAINER_FIELDS = {
    "article": "journal",
    "inbook": "booktitle",
    "incollection": "booktitle",
    "inproceedings": "booktitle",
    "conference": "booktitle",
    "book": "series",
    "techreport": "institution",
    "phdthesis": "school",
    "mastersthesis": "school",
}
DEFAULT_CONTAINER_FIELD = "howpublished"
VERBATIM_UNSAFE = "{}\\ \t\r\n"


def escape(text: str) -> str:
    """'50% of A&B' -> '50\\% of A\\&B'."""
    return LATEX_SPECIAL.sub(lambda match: LATEX_SPECIALS[match.group()], text)


def protect_capitals(escaped: str) -> str:
    """Brace escaped words with a capital past their first letter: "HLH",
    "mRNA", "McDonald"."""
    return " ".join(
        f"{{{word}}}" if any(char.isupper() for char in word[1:]) else word
        for word in escaped.split(" ")
    )


def verbatim(value: str) -> str:
    """A DOI or URL as biblatex reads verbatim fields: untouched but for the
    characters that would end the field early or unbalance its braces."""
    return "".join(quote(char) if char in VERBATIM_UNSAFE else char for char in value)


def _name_part(text: str) -> str:
    escaped = escape(text)
    # A comma or a lone "and" inside a part would split the name list.
    return f"{{{escaped}}}" if "," in text or AND_WORD.search(text) else escaped


def bibtex_name(name: Name) -> str:
    """'Müller, José', 'Smith, Jr, John', or '{World Health Organization}'."""
    if name.is_whole:
        return f"{{{escape(name.family)}}}"
    parts = [_name_part(name.family)]
    if name.suffix:
        parts.append(_name_part(name.suffix))
    parts.append(_name_part(name.given))
    return ", ".join(parts)


class BibTeX(ExportFormat):
    key = "bibtex"
    label = "BibTeX"
    media_type = "application/x-bibtex; charset=utf-8"
    extension = "bib"
    separator = "\n"

    def fields(self, record: ExportRecord) -> list[tuple[str, str]]:
        """(field, value as written) pairs; braced unless a month macro."""
        date = record.date
        braced = [
            ("author", " and ".join(bibtex_name(name) for name in record.authors)),
            ("title", protect_capitals(escape(record.title))),
            (
                CONTAINER_FIELDS.get(record.bibtex_type, DEFAULT_CONTAINER_FIELD),
                escape(record.container_title),
            ),
            (
                "shortjournal" if record.bibtex_type == "article" else "",
                escape(record.container_title_short),
            ),
            ("year", str(date.year)),
        ]
        fields = [(name, f"{{{value}}}") for name, value in braced if name and value]
        if date.month:
            fields.append(("month", MONTH_MACROS[date.month - 1]))
        if date.day:
            fields.append(("day", f"{{{date.day}}}"))
        more = [
            ("volume", escape(record.volume)),
            ("number", escape(record.issue)),
            ("pages", escape(record.pages.joined("--")) if record.pages else ""),
            ("publisher", escape(record.publisher)),
            ("issn", escape(record.issn)),
            ("doi", verbatim(record.doi)),
            ("pmid", escape(record.pmid)),
            ("pmcid", escape(record.pmcid)),
            ("url", verbatim(record.url)),
            # Semicolons, because MeSH headings hold commas.
            ("keywords", escape("; ".join(record.keywords))),
            # One line: a blank line inside a field ends a LaTeX paragraph.
            ("abstract", escape(one_line(record.abstract))),
        ]
        fields.extend((name, f"{{{value}}}") for name, value in more if value)
        return fields

    def render_record(self, record: ExportRecord) -> str:
        lines = [f"@{record.bibtex_type}{{{record.key},"]
        lines.extend(f"  {name} = {value}," for name, value in self.fields(record))
        lines.append("}\n")
        return "\n".join(lines)
