"""Small value cleaners every format shares, and the per-row issue log."""

import html
import re
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError

from publications import identifiers
from publications.sanitize import sanitize_abstract

from .base import ImportIssue, Severity

DASHES = re.compile(r"\s*(?:--|[\u2010-\u2015\u2212])\s*")
ISSN_PATTERN = re.compile(r"\b(\d{4})-?(\d{3}[\dXx])\b")
PUBMED_URL = re.compile(r"(?i)pubmed\.ncbi\.nlm\.nih\.gov/(\d+)|/pubmed/(\d+)")
BLANK_LINE = re.compile(r"\n\s*\n")
# Tags a spreadsheet abstract may already carry (Digital Commons accepts HTML).
HTML_TAG = re.compile(r"</?(?:p|br|i|em|b|strong|sub|sup)\b[^>]*>", re.IGNORECASE)

IDENTIFIER_NORMALISERS: dict[str, Callable[[str], str]] = {
    "doi": identifiers.normalize_doi,
    "pmid": identifiers.normalize_pmid,
    "pmcid": identifiers.normalize_pmcid,
    "orcid": identifiers.normalize_orcid,
}


def validation_message(error: ValidationError) -> str:
    return " ".join(error.messages)


class IssueLog:
    """Collects the issues of one row while its record is built."""

    def __init__(self, row: int | None):
        self.row = row
        self.issues: list[ImportIssue] = []

    def error(self, field: str, message: str) -> None:
        self.issues.append(ImportIssue(self.row, field, message, Severity.ERROR))

    def warning(self, field: str, message: str) -> None:
        self.issues.append(ImportIssue(self.row, field, message, Severity.WARNING))

    def identifier(self, field: str, value: str | None, kind: str) -> str:
        """The stored form of a DOI/PMID/PMCID/ORCID, or "" with an error."""
        value = clean_text(value)
        if not value:
            return ""
        try:
            return IDENTIFIER_NORMALISERS[kind](value)
        except ValidationError as error:
            self.error(field, validation_message(error))
            return ""

    def issn(self, field: str, value: str | None) -> str:
        value = clean_text(value)
        if not value:
            return ""
        try:
            return normalise_issn(value)
        except ValueError as error:
            self.error(field, str(error))
            return ""


def clean_text(value: object) -> str:
    """Collapse runs of whitespace (line breaks included) to single spaces."""
    if value is None:
        return ""
    return " ".join(str(value).split())


def strip_final_period(title: str) -> str:
    """PubMed and EndNote end titles with a period the record page does not
    show; an ellipsis or a question mark stays."""
    if title.endswith(".") and not title.endswith(".."):
        return title[:-1].rstrip()
    return title


def normalise_pages(value: str | None) -> str:
    """'609–622' or '609--622' -> '609-622'."""
    return DASHES.sub("-", clean_text(value))


def join_pages(first: str | None, last: str | None) -> str:
    first, last = normalise_pages(first), normalise_pages(last)
    if first and last and "-" not in first and first != last:
        return f"{first}-{last}"
    return first or last


def issn_check_digit(digits: str) -> str:
    total = sum(int(d) * w for d, w in zip(digits, range(8, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


def normalise_issn(value: str) -> str:
    """'0007 1048' or '00071048' -> '0007-1048', checking the check digit."""
    compact = re.sub(r"[\s-]", "", value).upper()
    if not re.fullmatch(r"\d{7}[\dX]", compact):
        raise ValueError(f"“{value}” is not an ISSN, e.g. 0007-1048.")
    if issn_check_digit(compact[:7]) != compact[7]:
        raise ValueError(f"“{value}” is not a valid ISSN: its check digit is wrong.")
    return f"{compact[:4]}-{compact[4:]}"


def find_issns(text: str) -> list[str]:
    """ISSN-shaped strings in free text such as '1365-2141 (Electronic)'."""
    return [f"{a}-{b.upper()}" for a, b in ISSN_PATTERN.findall(text or "")]


def split_terms(text: str | None, separators: str = ";") -> list[str]:
    """Split a delimited cell, dropping empty parts and repeats."""
    pattern = "|".join(re.escape(s) for s in separators)
    return unique(clean_text(part) for part in re.split(pattern, text or ""))


def split_keywords(text: str | None) -> list[str]:
    """Keywords separated by semicolons or line breaks, else by commas: MeSH
    terms have commas inside ("Lymphohistiocytosis, Hemophagocytic"), so a
    list that uses semicolons keeps them whole."""
    text = text or ""
    return (
        split_terms(text, ";\n")
        if re.search(r"[;\n]", text)
        else split_terms(text, ",")
    )


def unique(values: Iterable[str]) -> list[str]:
    kept, seen = [], set()
    for value in values:
        if value and value.casefold() not in seen:
            seen.add(value.casefold())
            kept.append(value)
    return kept


def plain_text_to_html(text: str | None) -> str:
    """Plain text as safe abstract HTML: escaped; paragraphs (split at blank
    lines) become <p> elements when there is more than one."""
    paragraphs = [clean_text(p) for p in BLANK_LINE.split(text or "")]
    paragraphs = [html.escape(p, quote=False) for p in paragraphs if p]
    if len(paragraphs) <= 1:
        return "".join(paragraphs)
    return sanitize_abstract("".join(f"<p>{p}</p>" for p in paragraphs))


def abstract_from_text_or_html(text: str | None) -> str:
    """Spreadsheet abstracts may be HTML already; anything else is plain text."""
    if text and HTML_TAG.search(text):
        return sanitize_abstract(text)
    return plain_text_to_html(text)


def labelled_paragraph(label: str, body_html: str) -> str:
    """A section of a structured abstract: <p><b>LABEL:</b> text</p>."""
    label = html.escape(clean_text(label).rstrip(":"), quote=False)
    return f"<p><b>{label}:</b> {body_html}</p>" if label else f"<p>{body_html}</p>"
