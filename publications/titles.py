"""Title keys: a title reduced to what survives retyping, for finding the
same publication twice (the import's duplicate check).

"Advances in Understanding the Pathogenesis of HLH." and "Advances in
understanding the pathogenesis of HLH" give the same key; so do "Ménière"
and "Meniere".
"""

import unicodedata

TITLE_KEY_LENGTH = 255  # Publication.title_key's max_length
# Candidates for a near match share this many leading or trailing characters
# of the key (and the year): a title retyped with a difference near its
# start ("The ...", "Paediatric"/"Pediatric") still ends alike. An index on
# each makes that one lookup per chunk.
TITLE_PREFIX_LENGTH = 12


def title_key(title: str) -> str:
    """Casefolded, accents stripped, only letters and digits, truncated."""
    decomposed = unicodedata.normalize("NFKD", (title or "").casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())[:TITLE_KEY_LENGTH]


def title_prefix(key: str) -> str:
    return key[:TITLE_PREFIX_LENGTH]


def title_suffix(key: str) -> str:
    return key[-TITLE_PREFIX_LENGTH:]
