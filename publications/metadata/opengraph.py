"""Open Graph (https://ogp.me/): what link previews in social media and chat
show for a record."""

from django.conf import settings

from ..citation import recommended_citation
from ..exports.text import one_line
from ..models import Publication
from . import common
from .tags import Tag, present

DESCRIPTION_LENGTH = 300


def opengraph_tags(publication: Publication) -> list[Tag]:
    # Without an abstract the citation says what the record is.
    description = common.abstract_text(publication) or one_line(
        recommended_citation(publication).body
    )
    return present(
        [
            ("og:title", one_line(publication.title)),
            ("og:type", "article"),
            ("og:url", common.record_url(publication)),
            ("og:description", common.summary(description, DESCRIPTION_LENGTH)),
            ("og:site_name", settings.REPOSITORY["NAME"]),
        ]
    )
