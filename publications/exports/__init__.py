"""Citation exports: one small module per format behind one registry.

    fmt = EXPORT_FORMATS["bibtex"]
    chunks = fmt.render(Publication.objects.published().for_record())

Each format renders any iterable of publications loaded with `for_record()`
as an iterator of text chunks, one per record, so a whole search result can
stream; a single record is an iterable of one.
"""

from .base import ExportFormat, citation_key
from .bibtex import BibTeX
from .csl import CSLJSON
from .endnote import EndNoteXML
from .ris import RIS

EXPORT_FORMATS: dict[str, ExportFormat] = {
    fmt.key: fmt for fmt in (BibTeX(), RIS(), CSLJSON(), EndNoteXML())
}

__all__ = ["EXPORT_FORMATS", "ExportFormat", "citation_key"]
