"""A head tag as name and content, and the rule every vocabulary shares:
no tag with empty content (Google Scholar's inclusion guidelines)."""

from collections.abc import Iterable
from typing import NamedTuple


class Tag(NamedTuple):
    name: str
    content: str


def present(pairs: Iterable[tuple[str, str]]) -> list[Tag]:
    """The pairs whose content is not empty, in order."""
    return [Tag(name, content) for name, content in pairs if content]
