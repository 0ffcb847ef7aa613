"""CSL-JSON, the input of citeproc-js, citeproc-py, pandoc and Zotero.

A JSON array of items; variable names follow the CSL 1.0.2 specification.
"""

import json
from typing import Any

from .base import ExportFormat, ExportRecord, Name


def csl_name(name: Name) -> dict[str, str]:
    """{'family': 'Müller', 'given': 'José'}, or {'literal': ...} kept whole."""
    if name.is_whole:
        return {"literal": name.family}
    parts = {"family": name.family, "given": name.given, "suffix": name.suffix}
    return {key: value for key, value in parts.items() if value}


def csl_item(record: ExportRecord) -> dict[str, Any]:
    date = record.date
    # Partial dates keep only the parts known: [[2013, 6]] for June 2013.
    date_parts = [part for part in (date.year, date.month, date.day) if part]
    pages = record.pages
    item = {
        "id": record.key,
        "type": record.csl_type,
        "author": [csl_name(name) for name in record.authors],
        "title": record.title,
        "container-title": record.container_title,
        "container-title-short": record.container_title_short,
        "issued": {"date-parts": [date_parts]},
        "volume": record.volume,
        "issue": record.issue,
        "page": pages.joined() if pages else "",
        "page-first": pages.first if pages else "",
        "publisher": record.publisher,
        "ISSN": record.issn,
        "DOI": record.doi,
        "PMID": record.pmid,
        "PMCID": record.pmcid,
        "URL": record.url,
        # Semicolons, because MeSH headings hold commas.
        "keyword": "; ".join(record.keywords),
        "abstract": record.abstract,
    }
    return {key: value for key, value in item.items() if value}


class CSLJSON(ExportFormat):
    key = "csl-json"
    label = "CSL-JSON"
    media_type = "application/vnd.citationstyles.csl+json; charset=utf-8"
    extension = "json"
    opening = "[\n"
    separator = ",\n"
    closing = "\n]\n"

    def render_record(self, record: ExportRecord) -> str:
        return json.dumps(csl_item(record), ensure_ascii=False, indent=2)
