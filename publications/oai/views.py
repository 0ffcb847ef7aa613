"""The /oai endpoint: read the request, answer the verb, write the envelope.

Arguments come from the query string (GET) or the form-encoded body (POST),
as spec 3.1.1 allows. OAI-PMH errors are XML in an HTTP 200 response.
"""

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from lxml import etree

from . import arguments, verbs
from .datestamps import datestamp
from .errors import OAIError
from .markup import OAI_NS, XSI_NS, XSI_SCHEMA_LOCATION, add, oai

OAI_XSD = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"


def envelope(request_attributes: dict[str, str]) -> etree._Element:
    root = etree.Element(oai("OAI-PMH"), nsmap={None: OAI_NS, "xsi": XSI_NS})
    root.set(XSI_SCHEMA_LOCATION, f"{OAI_NS} {OAI_XSD}")
    add(root, oai("responseDate"), datestamp(timezone.now()))
    add(root, oai("request"), verbs.base_url(), request_attributes)
    return root


@csrf_exempt  # harvesters POST without a session
@require_http_methods(["GET", "POST"])
def endpoint(request: HttpRequest) -> HttpResponse:
    query = request.POST if request.method == "POST" else request.GET
    oai_request = None
    try:
        oai_request = arguments.parse(query)
        body = verbs.answer(oai_request)
        root = envelope(oai_request.echo())
        root.append(body)
    except OAIError as error:
        echo = oai_request.echo() if oai_request and error.echo_arguments else {}
        root = envelope(echo)
        add(root, oai("error"), error.message, {"code": error.code})
    content = etree.tostring(root, encoding="UTF-8", xml_declaration=True)
    return HttpResponse(content, content_type="text/xml; charset=utf-8")
