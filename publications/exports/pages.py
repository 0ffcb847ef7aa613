"""Page ranges as citation formats want them.

NLM (PubMed, MEDLINE) prints page ranges with the last page shortened to the
digits that change: "609-22" is pages 609 to 622, "1199-201" is 1199 to
1201, "S12-8" is S12 to S18. BibTeX, CSL and RIS want both pages whole.
"""

import re
from dataclasses import dataclass

# An optional letter prefix ("S", "e", "A") and the page number.
RANGE = re.compile(
    r"^(?P<prefix>[A-Za-z]*)(?P<first>\d+)\s*[-\u2010-\u2015]+\s*"
    r"(?P<last_prefix>[A-Za-z]*)(?P<last>\d+)$"
)


@dataclass(frozen=True)
class PageRange:
    first: str
    last: str = ""

    def joined(self, separator: str = "-") -> str:
        """'609-622', or with separator '--' the BibTeX '609--622'."""
        return f"{self.first}{separator}{self.last}" if self.last else self.first


def parse_pages(pages: str) -> PageRange | None:
    """'609-22' -> PageRange('609', '622'); 'e1234' -> PageRange('e1234').

    Text that is not one range ("1-5, 7-9", "iii-iv") stays whole as the first
    page, so nothing the source printed is lost.
    """
    pages = pages.strip()
    if not pages:
        return None
    match = RANGE.match(pages)
    if match is None:
        return PageRange(pages)
    prefix, first, last_prefix, last = match.group(
        "prefix", "first", "last_prefix", "last"
    )
    if last_prefix and last_prefix != prefix:
        return PageRange(pages)
    if len(last) < len(first):
        # The shortened last page takes its missing leading digits from the first.
        last = first[: len(first) - len(last)] + last
    if int(last) < int(first):
        return PageRange(pages)
    return PageRange(f"{prefix}{first}", f"{prefix}{last}")


def expand_page_range(pages: str) -> str:
    """'609-22' -> '609-622'; anything that is not one range is kept as is."""
    page_range = parse_pages(pages)
    return page_range.joined() if page_range else ""
