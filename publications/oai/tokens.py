"""Resumption tokens (spec 3.5): signed, timestamped, no server-side state.

A token carries the list request it continues (verb, metadataPrefix, set,
from, until), the position reached (the last row returned), the cursor and
the complete list size counted on the first page. Django's signing makes a
forged or altered token fail its signature and an old one fail its age, both
reported as badResumptionToken; any process can read any token, so harvests
survive restarts and load balancers.
"""

import datetime
import time
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core import signing

from .errors import BadResumptionToken

SALT = "publications.oai.resumption-token"
DEFAULT_LIFETIME = 24 * 60 * 60  # seconds


def lifetime() -> int:
    return int(getattr(settings, "OAI_RESUMPTION_TOKEN_LIFETIME", DEFAULT_LIFETIME))


@dataclass(frozen=True)
class ListPosition:
    """Where a ListRecords, ListIdentifiers or ListSets harvest has reached."""

    verb: str
    cursor: int  # items returned before the next page
    size: int | None  # completeListSize
    # ListRecords and ListIdentifiers: the request and the (updated_at, id)
    # of the last row returned.
    metadata_prefix: str | None = None
    set_spec: str | None = None
    start: str | None = None
    until: str | None = None
    after_updated: str | None = None
    after_id: int | None = None
    # ListSets: the last setSpec returned.
    after_spec: str | None = None

    @property
    def after_updated_at(self) -> datetime.datetime | None:
        if self.after_updated is None:
            return None
        return datetime.datetime.fromisoformat(self.after_updated)


def issue(position: ListPosition) -> tuple[str, datetime.datetime]:
    """The token for `position` and the moment it expires."""
    payload = {
        key: value for key, value in asdict(position).items() if value is not None
    }
    token = signing.dumps(payload, salt=SALT, compress=True)
    # The signature's timestamp is whole seconds, taken just now.
    expires = datetime.datetime.fromtimestamp(
        int(time.time()) + lifetime(), datetime.UTC
    )
    return token, expires


_FIELD_TYPES = {
    "verb": str,
    "cursor": int,
    "size": int,
    "metadata_prefix": str,
    "set_spec": str,
    "start": str,
    "until": str,
    "after_updated": str,
    "after_id": int,
    "after_spec": str,
}


def read(token: str, verb: str) -> ListPosition:
    """The position a token carries, or badResumptionToken saying why not."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=lifetime())
    except signing.SignatureExpired as error:
        raise BadResumptionToken(
            "The resumptionToken has expired; start the list again."
        ) from error
    except signing.BadSignature as error:
        raise BadResumptionToken("The resumptionToken is not one we issued.") from error
    if not isinstance(payload, dict) or not all(
        name in _FIELD_TYPES
        and isinstance(value, _FIELD_TYPES[name])
        and not isinstance(value, bool)
        for name, value in payload.items()
    ):
        raise BadResumptionToken("The resumptionToken is malformed.")
    if payload.get("verb") != verb or "cursor" not in payload:
        raise BadResumptionToken(f"The resumptionToken does not continue {verb}.")
    position = ListPosition(**{"size": None, **payload})
    try:
        position.after_updated_at  # noqa: B018 - validates the stored datetime
    except ValueError as error:
        raise BadResumptionToken("The resumptionToken is malformed.") from error
    return position
