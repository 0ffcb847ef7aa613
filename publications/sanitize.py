"""Reduce abstract HTML to the small subset readers may see.

Ammonia (through nh3) parses the HTML as a browser would and keeps only the
listed tags, with no attributes; everything else is removed, its text kept.
"""

import nh3

ABSTRACT_TAGS = {"p", "br", "i", "em", "b", "strong", "sub", "sup"}


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
