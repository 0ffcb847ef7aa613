"""Filters for showing a record in a listing entry."""

from django import template

from .. import citation
from ..models import Publication

register = template.Library()


@register.filter
def source_line(publication: Publication) -> str:
    return citation.source_line(publication)


@register.filter
def listing_authors(publication: Publication) -> str:
    """Authors as printed, in order: "Henter JI, Horne A, ... et al."."""
    names = [a.display_name for a in publication.authorships.all()]
    return citation.authors_line(names)
