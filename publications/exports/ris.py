"""RIS, the tagged format of Reference Manager, EndNote, Zotero and Mendeley.

One "XX  - value" line per field, TY first and ER last, CRLF line ends as the
specification asks, UTF-8. Every value is one line (the text helpers have
already removed characters readers take for line breaks).
"""

from .base import ExportFormat, ExportRecord
from .text import one_line

LINE_END = "\r\n"


def ris_date(record: ExportRecord) -> str:
    """RIS dates are 'YYYY/MM/DD/other': '2013/06//' for June 2013."""
    date = record.date
    month = f"{date.month:02d}" if date.month else ""
    day = f"{date.day:02d}" if date.day else ""
    return f"{date.year:04d}/{month}/{day}/"


class RIS(ExportFormat):
    key = "ris"
    label = "RIS"
    media_type = "application/x-research-info-systems; charset=utf-8"
    extension = "ris"
    separator = LINE_END

    def tags(self, record: ExportRecord) -> list[tuple[str, str]]:
        pages = record.pages
        tags = [("TY", record.ris_type)]
        tags += [("AU", name.inverted) for name in record.authors]
        tags += [
            ("TI", record.title),
            ("T2", record.container_title),
            # JO is the abbreviated periodical name (Zotero reads it so when T2
            # is present).
            ("JO", record.container_title_short),
            ("PY", str(record.date.year)),
            ("DA", ris_date(record) if record.date.month else ""),
            ("VL", record.volume),
            ("IS", record.issue),
            ("SP", pages.first if pages else ""),
            ("EP", pages.last if pages else ""),
            ("PB", record.publisher),
            ("SN", record.issn),
            ("DO", record.doi),
            # PubMed's conventions in EndNote: accession number, custom field 2.
            ("AN", record.pmid),
            ("C2", record.pmcid),
            ("UR", record.url),
        ]
        tags += [("KW", keyword) for keyword in record.keywords]
        tags += [("N1", record.affiliation_note), ("AB", one_line(record.abstract))]
        return [(tag, value) for tag, value in tags if value]

    def render_record(self, record: ExportRecord) -> str:
        lines = [f"{tag}  - {value}" for tag, value in self.tags(record)]
        lines.append("ER  - ")
        return LINE_END.join(lines) + LINE_END
