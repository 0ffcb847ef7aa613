"""What search engines, crawlers and reference managers read from a record
page, one small module per vocabulary:

- highwire: Google Scholar's citation_* meta tags
- dublin_core: DC.* meta tags
- opengraph: og:* meta tags for link previews
- jsonld: schema.org JSON-LD
- signposting: FAIR Signposting Link headers and linksets

Every builder reads only what `for_record()` loaded, so the page's query
count does not change.
"""

from dataclasses import dataclass

from django.utils.safestring import SafeString

from ..models import Publication
from . import common
from .dublin_core import SCHEMA_URL as DUBLIN_CORE_SCHEMA
from .dublin_core import dublin_core_tags
from .highwire import highwire_tags
from .jsonld import record_jsonld, script_json
from .opengraph import opengraph_tags
from .tags import Tag


@dataclass(frozen=True)
class RecordHead:
    """The machine-readable part of a published record page's <head>."""

    highwire: list[Tag]
    dublin_core: list[Tag]
    dublin_core_schema: str
    opengraph: list[Tag]
    jsonld: SafeString


def record_head(publication: Publication) -> RecordHead:
    return RecordHead(
        highwire=highwire_tags(publication),
        dublin_core=dublin_core_tags(publication),
        dublin_core_schema=DUBLIN_CORE_SCHEMA,
        opengraph=opengraph_tags(publication),
        jsonld=script_json(record_jsonld(publication)),
    )


__all__ = ["RecordHead", "Tag", "common", "record_head"]
