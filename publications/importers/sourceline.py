"""Read a printed "Source" line back into its parts, where its form is one
we know; other lines are kept as printed and nothing more is read from them.

    "Br J Haematol. 2013 Jun;161(5):609-22. doi: 10.1111/bjh.12293."
    -> journal "Br J Haematol", date "2013 Jun", volume 161, issue 5,
       pages 609-22, doi 10.1111/bjh.12293
"""

import re

from .cleaning import clean_text

# "Br J Haematol. 2013 Jun;161(5):609-22. doi: 10.1111/bjh.12293." (NLM, as
# PubMed and this repository print the Source line)
NLM_CITATION = re.compile(
    r"^(?P<journal>[^.]+(?:\.[^.\s][^.]*)*?)\.\s+"
    r"(?P<date>\d{4}(?:\s+[A-Za-z]{3,9}(?:\s+\d{1,2})?)?(?:\s*-\s*[^;:.]+)?)"
    r"(?:;\s*(?P<volume>[^(:;.]*?)\s*(?:\((?P<issue>[^)]*)\))?)?"
    r"(?::\s*(?P<pages>[^.;\s]+))?\."
    r"(?:\s+doi:\s*(?P<doi>10\.\S+?)\.?(?:\s|$))?"
)
# "Journal of Pediatrics, 162(4), 799-805." or "Journal of Pediatrics 162(4):
# 799-805" (APA-like, as many Digital Commons citations read). The journal may
# not hold ". " (a title or authors before it) and pages are required, so a
# year is never read as a volume.
_JOURNAL_CHAR = r"(?:[^,(.]|\.(?!\s))"
VOLUME_CITATION = re.compile(
    rf"^(?P<journal>{_JOURNAL_CHAR}*?[^\d\s,(.]{_JOURNAL_CHAR}*?),?\s+"
    r"(?:vol\.\s*)?(?P<volume>\d+)\s*(?:\((?P<issue>[^)]+)\))?\s*[,:]\s*"
    r"(?:pp?\.\s*)?(?P<pages>[A-Za-z]?\d+(?:\s*[-\u2013]\s*[A-Za-z]?\d+)?)\.?$"
)


def read_citation(text: str) -> dict[str, str]:
    """The fields a citation line gives, where it follows a form we know;
    a line with no digits at all is a journal's name. `text` is the line as
    printed, kept as the record's Source."""
    text = clean_text(text)
    if not text:
        return {}
    if match := NLM_CITATION.match(text) or VOLUME_CITATION.match(text):
        parts = {k: clean_text(v) for k, v in match.groupdict().items() if v}
        return {"text": text, **parts}
    if not any(ch.isdigit() for ch in text):
        return {"journal": text.rstrip(".")}
    return {"text": text}
