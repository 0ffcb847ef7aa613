"""Reduce abstract HTML to the small subset readers may see.

Ammonia (through nh3) parses the HTML as a browser would and keeps only the
listed tags, with no attributes; everything else is removed, its text kept.
"""

from functools import lru_cache

import nh3

ABSTRACT_TAGS = {"p", "br", "i", "em", "b", "strong", "sub", "sup"}


# An import sanitises each abstract twice, in two threads: when it plans the
# record's search text and when it writes the record, up to three chunks
# later.
@lru_cache(maxsize=4096)
def sanitize_abstract(html: str) -> str:
    cleaned = nh3.clean(
        html,
        tags=ABSTRACT_TAGS,
        attributes={},
        url_schemes=set(),
        strip_comments=True,
        link_rel=None,
        clean_content_tags={"script", "style"},
    )
    return cleaned.strip()
