"""Comparing names as people read them: case, accents and spacing ignored."""

import unicodedata
from functools import lru_cache


# Names, affiliations and terms repeat across a batch: fold each once.
@lru_cache(maxsize=100_000)
def fold(text: str) -> str:
    """ "  Département de  Pédiatrie" -> "departement de pediatrie"."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(kept.split())


@lru_cache(maxsize=100_000)
def _given_tokens(given: str) -> tuple[str, ...]:
    """ "Jan-Inge" -> ["jan", "inge"]; "J.I." and "J I" -> ["j", "i"]; "JI"
    (PubMed's initials) -> ["j", "i"]."""
    raw = given.strip()
    if 1 < len(raw) <= 3 and raw.isalpha() and raw.isupper():
        raw = " ".join(raw)
    return tuple(fold(raw.replace(".", " ").replace("-", " ")).split())


@lru_cache(maxsize=100_000)
def given_names_match(a: str, b: str) -> bool:
    """Whether two spellings of given names can be the same person's: equal
    once case and accents are ignored, or one side only initials that begin
    the other's names ("J" or "JI" for "Jan-Inge"; "J" for "John")."""
    ta, tb = _given_tokens(a), _given_tokens(b)
    if ta == tb:
        return True
    if not ta or not tb:
        return False
    for initials, full in ((ta, tb), (tb, ta)):
        if all(len(t) == 1 for t in initials):
            letters = [t[0] for t in full]
            if tuple(letters[: len(initials)]) == initials:
                return True
    return False
