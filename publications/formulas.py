"""Spreadsheet cells that Excel or LibreOffice would run as a formula (OWASP
"CSV Injection"). Exports defuse them with a leading apostrophe; the
spreadsheet import takes it off again, so a title such as "=HYPERLINK(...)"
survives a round trip as text."""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def defuse(value) -> str:
    """A cell as text, with a leading apostrophe where a spreadsheet would
    otherwise read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def undefuse(text: str) -> str:
    """The text `defuse` was given."""
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text
