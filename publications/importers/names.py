"""Person names written "Family, Given" (RIS, spreadsheets)."""

from .base import NormalisedAuthor
from .cleaning import clean_text

SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "v"}


def is_suffix(text: str) -> bool:
    return text.rstrip(".").casefold() in SUFFIXES


def split_inverted_name(text: str, **extra) -> NormalisedAuthor | None:
    """'Müller, Jürgen' or 'Smith, John, Jr.'. A name without a comma, or
    with nothing after it ("World Health Organization,", as EndNote writes
    it), is an organisation."""
    text = clean_text(text)
    if not text:
        return None
    parts = [clean_text(part) for part in text.split(",")]
    if len(parts) == 1 or not any(parts[1:]):
        return NormalisedAuthor(family_name=parts[0], is_corporate=True, **extra)
    family, rest = parts[0], [part for part in parts[1:] if part]
    suffix = next((part for part in rest if is_suffix(part)), "")
    given = " ".join(part for part in rest if part != suffix)
    return NormalisedAuthor(
        family_name=family, given_names=given, suffix=suffix, **extra
    )
