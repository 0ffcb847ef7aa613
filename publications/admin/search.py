"""The changelist search box: an identifier finds its record exactly; other
words match the title or an author's name."""

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.text import smart_split, unescape_string_literal

from ..identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from ..models import Authorship


def identifier_filter(term: str) -> Q | None:
    """A DOI (bare, doi: or https://doi.org/ form), a PubMed ID or a PMCID as
    an exact lookup on its unique index; None when the term is none of them."""
    term = term.strip()
    if not term:
        return None
    try:
        return Q(doi=normalize_doi(term))
    except ValidationError:
        pass
    try:
        return Q(pmid=normalize_pmid(term))
    except ValidationError:
        pass
    if term.upper().startswith("PMC"):
        try:
            return Q(pmcid=normalize_pmcid(term))
        except ValidationError:
            pass
    return None


def _words(term: str) -> list[str]:
    words = []
    for bit in smart_split(term):
        if bit[:1] in ('"', "'") and bit[-1:] == bit[:1]:
            bit = unescape_string_literal(bit)
        if bit.strip():
            words.append(bit)
    return words


def word_filter(word: str) -> Q:
    """Title, or the family name or printed name of any author. The author
    match is a semi-join, so a record with two matching authors appears once
    and the changelist needs no DISTINCT."""
    authors = Authorship.objects.filter(
        Q(person__family_name__icontains=word) | Q(name_as_printed__icontains=word)
    ).values("publication_id")
    return Q(title__icontains=word) | Q(pk__in=authors)


def search_publications(queryset: QuerySet, term: str) -> QuerySet:
    """Records matching every word of `term`, or the record an identifier
    names. A bare number is both a PubMed ID and a word (a year in a title)."""
    if not term.strip():
        return queryset
    by_identifier = identifier_filter(term)
    if by_identifier is not None and not term.strip().isdigit():
        return queryset.filter(by_identifier)
    by_words = Q()
    for word in _words(term):
        by_words &= word_filter(word)
    if by_identifier is not None:
        by_words |= by_identifier
    return queryset.filter(by_words)
