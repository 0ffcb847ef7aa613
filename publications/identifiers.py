"""Normalise and validate persistent identifiers: DOI, PubMed ID, PMCID, ORCID.

Each `normalize_*` returns the canonical stored form or raises ValidationError
with a message a curator can act on.
"""

import re

from django.core.exceptions import ValidationError

DOI_PATTERN = re.compile(r"^10\.\d{4,9}/\S+$")
DOI_PREFIXES = (
    "https://doi.org/",
    "http://doi.org/",
    "https://dx.doi.org/",
    "http://dx.doi.org/",
    "doi.org/",
    "dx.doi.org/",
    "doi:",
)
ORCID_PATTERN = re.compile(r"^(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])$")
ORCID_PREFIXES = ("https://orcid.org/", "http://orcid.org/", "orcid.org/")


def _strip_prefix(value: str, prefixes: tuple[str, ...]) -> str:
    lowered = value.lower()
    for prefix in prefixes:
        if lowered.startswith(prefix):
            return value[len(prefix) :].strip()
    return value


def normalize_doi(value: str) -> str:
    """'https://doi.org/10.1111/BJH.12293' -> '10.1111/bjh.12293'.

    DOIs are case-insensitive (DOI Handbook 2.4), so they are stored lower-case.
    """
    doi = _strip_prefix(value.strip(), DOI_PREFIXES).lower()
    if not DOI_PATTERN.match(doi) or len(doi) > 255:
        raise ValidationError(
            "“%(value)s” is not a DOI. A DOI starts with “10.”, a registrant code "
            "and a slash, e.g. 10.1111/bjh.12293.",
            code="invalid_doi",
            params={"value": value},
        )
    return doi


def normalize_pmid(value: str) -> str:
    pmid = _strip_prefix(value.strip(), ("pmid:", "pmid ")).strip()
    if not pmid.isascii() or not pmid.isdigit() or len(pmid) > 10 or int(pmid) == 0:
        raise ValidationError(
            "“%(value)s” is not a PubMed ID. A PubMed ID is a positive whole number "
            "of up to 10 digits, e.g. 23573877.",
            code="invalid_pmid",
            params={"value": value},
        )
    return str(int(pmid))


def normalize_pmcid(value: str) -> str:
    pmcid = value.strip().upper()
    digits = pmcid.removeprefix("PMC")
    if not digits.isascii() or not digits.isdigit() or len(digits) > 10:
        raise ValidationError(
            "“%(value)s” is not a PubMed Central ID, e.g. PMC3456789.",
            code="invalid_pmcid",
            params={"value": value},
        )
    return f"PMC{int(digits)}"


def orcid_checksum(base_digits: str) -> str:
    """ISO 7064 11,2 check character over the first 15 digits of an ORCID iD."""
    total = 0
    for digit in base_digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def normalize_orcid(value: str) -> str:
    """'https://orcid.org/0000-0002-1825-0097' -> '0000-0002-1825-0097'."""
    orcid = _strip_prefix(value.strip(), ORCID_PREFIXES).upper()
    match = ORCID_PATTERN.match(orcid)
    if not match:
        raise ValidationError(
            "“%(value)s” is not an ORCID iD. It has 16 characters in four groups, "
            "e.g. 0000-0002-1825-0097.",
            code="invalid_orcid",
            params={"value": value},
        )
    digits = "".join(match.groups())
    if orcid_checksum(digits[:15]) != digits[15]:
        raise ValidationError(
            "“%(value)s” is not a valid ORCID iD: its check digit does not match. "
            "Check for a mistyped digit.",
            code="invalid_orcid_checksum",
            params={"value": value},
        )
    return "-".join(match.groups())
