"""The /oai endpoint: read the request, answer the verb, write the envelope.

Arguments come from the query string (GET) or the form-encoded body (POST),
as spec 3.1.1 allows. OAI-PMH errors are XML in an HTTP 200 response.
"""

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import arguments, verbs
from .datestamps import datestamp
from .errors import OAIError
from .markup import OAI_NS, XSI_NS, attributes, element

OAI_XSD = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
START = (
    "<?xml version='1.0' encoding='UTF-8'?>\n"
    f'<OAI-PMH xmlns="{OAI_NS}" xmlns:xsi="{XSI_NS}" '
    f'xsi:schemaLocation="{OAI_NS} {OAI_XSD}">'
)
END = "</OAI-PMH>"


def envelope(request_attributes: dict[str, str], body: str) -> bytes:
    """The response document: its date, the request echoed, and `body`."""
    return "".join(
        (
            START,
            element("responseDate", datestamp(timezone.now())),
            element("request", verbs.base_url(), attributes(request_attributes)),
            body,
            END,
        )
    ).encode()


@csrf_exempt  # harvesters POST without a session
@require_http_methods(["GET", "POST"])
def endpoint(request: HttpRequest) -> HttpResponse:
    query = request.POST if request.method == "POST" else request.GET
    oai_request = None
    try:
        oai_request = arguments.parse(query)
        content = envelope(oai_request.echo(), verbs.answer(oai_request))
    except OAIError as error:
        echo = oai_request.echo() if oai_request and error.echo_arguments else {}
        body = element("error", error.message, attributes({"code": error.code}))
        content = envelope(echo, body)
    return HttpResponse(content, content_type="text/xml; charset=utf-8")
