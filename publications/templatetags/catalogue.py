"""Filters for showing a record in a listing entry."""

from django import template

from .. import citation
from ..models import Publication

register = template.Library()

# A consortium paper can name hundreds of authors; a listing shows the first.
LISTING_AUTHORS = 10


@register.filter
def source_line(publication: Publication) -> str:
    return citation.source_line(publication)


@register.filter
def listing_authors(publication: Publication) -> str:
    """Authors as printed, in order: "Henter JI, Horne A, ... et al."."""
    authorships = list(publication.authorships.all())
    names = ", ".join(a.display_name for a in authorships[:LISTING_AUTHORS])
    if len(authorships) > LISTING_AUTHORS:
        names += ", et al."
    return names
