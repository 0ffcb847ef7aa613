"""One small HTTP GET for the import sources that are not files: other
repositories' OAI-PMH endpoints, the Crossref REST API and NCBI E-utilities.

The standard library's urllib does the work (no new dependency). What the
services we call ask of a client, and what a background import needs:

- a User-Agent naming this repository, its address and a contact (Crossref's
  "polite pool" and NCBI's usage policy both ask for one);
- a timeout on every request (INGEST_HTTP_TIMEOUT seconds for each network
  wait, and three times that for reading a whole body, so a server that
  trickles bytes cannot hold a batch forever);
- retries on 429, 5xx, timeouts and dropped connections, waiting
  INGEST_HTTP_BACKOFF * 2**attempt seconds, or what Retry-After asks when it
  asks for at most MAX_WAIT seconds; a longer Retry-After ends the request
  at once, since waiting less than asked is impolite and waiting longer
  blocks the batch;
- a cap on the body (INGEST_HTTP_MAX_BYTES), checked against
  Content-Length and again while reading.

Every failure is a FetchError whose message a curator can read; callers turn
it into an ImportIssue, never a traceback.
"""

import datetime
import email.utils
import http.client
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings

SOFTWARE = "faculty-repository"
CHUNK = 64 * 1024
MAX_WAIT = 60.0
BODY_TIME_FACTOR = 3
# Worth trying again: the server is busy, briefly down or behind a gateway
# that timed out. Other 4xx statuses will not change on a retry.
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


class FetchError(Exception):
    """A request that did not give a usable response. `status` is the HTTP
    status when the server answered (404 means "no such record")."""

    def __init__(self, message: str, *, url: str, status: int | None = None):
        super().__init__(message)
        self.url = url
        self.status = status


@dataclass(frozen=True)
class Response:
    url: str
    status: int
    content_type: str
    body: bytes


def user_agent() -> str:
    """'faculty-repository (Faculty Publications Repository;
    +https://repository.example.edu; mailto:repository@example.edu)'"""
    config = settings.REPOSITORY
    return (
        f"{SOFTWARE} ({config['NAME']}; +{config['BASE_URL']}; "
        f"mailto:{config['CONTACT_EMAIL']})"
    )


class _HTTPOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """urllib follows redirects to ftp:// too; only http(s) is wanted."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urllib.parse.urlsplit(newurl).scheme not in ("http", "https"):
            return None
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_opener = urllib.request.build_opener(_HTTPOnlyRedirects)


def _host(url: str) -> str:
    return urllib.parse.urlsplit(url).netloc or url


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds a Retry-After header asks for: a number or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return max(0.0, moment.timestamp() - (time.time() if now is None else now))


def _read_body(response, url: str, *, max_bytes: int, deadline: float) -> bytes:
    too_large = FetchError(
        f"{_host(url)} sent more than {max_bytes:,} bytes; the response was "
        "refused as too large.",
        url=url,
    )
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise too_large
    chunks, size = [], 0
    # read1: whatever one receive brings, so the deadline is checked as
    # bytes trickle in rather than once a whole chunk has gathered.
    while chunk := response.read1(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise too_large
        if time.monotonic() > deadline:
            raise TimeoutError
        chunks.append(chunk)
    return b"".join(chunks)


def get(
    url: str,
    *,
    params: Mapping[str, str] | None = None,
    accept: str = "*/*",
    timeout: float | None = None,
    retries: int | None = None,
    backoff: float | None = None,
    max_bytes: int | None = None,
) -> Response:
    """GET `url` (with `params` as its query) and return the whole body.
    Unset arguments come from the INGEST_HTTP_* settings."""
    timeout = settings.INGEST_HTTP_TIMEOUT if timeout is None else timeout
    retries = settings.INGEST_HTTP_RETRIES if retries is None else retries
    backoff = settings.INGEST_HTTP_BACKOFF if backoff is None else backoff
    max_bytes = settings.INGEST_HTTP_MAX_BYTES if max_bytes is None else max_bytes
    if params:
        separator = "&" if urllib.parse.urlsplit(url).query else "?"
        url = f"{url}{separator}{urllib.parse.urlencode(params)}"
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise FetchError(f"“{url}” is not an http or https address.", url=url)
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url, headers={"User-Agent": user_agent(), "Accept": accept}
    )
    attempts = retries + 1
    for attempt in range(attempts):
        wait = backoff * 2**attempt
        try:
            with _opener.open(request, timeout=timeout) as response:
                deadline = time.monotonic() + BODY_TIME_FACTOR * timeout
                body = _read_body(response, url, max_bytes=max_bytes, deadline=deadline)
                return Response(
                    url=response.url,
                    status=response.status,
                    content_type=response.headers.get("Content-Type", ""),
                    body=body,
                )
        except urllib.error.HTTPError as error:
            error.close()
            status = error.code
            message = f"{_host(url)} answered HTTP {status} ({error.reason})."
            if status not in RETRY_STATUSES:
                raise FetchError(message, url=url, status=status) from None
            asked = retry_after(error.headers.get("Retry-After"))
            if asked is not None and asked > MAX_WAIT:
                raise FetchError(
                    f"{_host(url)} answered HTTP {status} and asked to wait "
                    f"{asked:.0f} seconds; try again later.",
                    url=url,
                    status=status,
                ) from None
            wait = wait if asked is None else asked
        except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
            # URLError wraps what went wrong before a response: a refused
            # connection, a failed name lookup, a connect timeout.
            reason = getattr(error, "reason", error)
            status = None
            if isinstance(reason, TimeoutError):
                message = f"{_host(url)} did not answer within {timeout:g} seconds."
            else:
                message = f"Could not reach {_host(url)}: {reason}."
        if attempt + 1 < attempts:
            time.sleep(min(wait, MAX_WAIT))
    if attempts > 1:
        message += f" Tried {attempts} times."
    raise FetchError(message, url=url, status=status)
