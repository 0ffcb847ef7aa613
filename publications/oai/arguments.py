"""The arguments of an OAI-PMH request, checked against the verb (spec 4).

`parse` raises badVerb or badArgument; what it returns holds only arguments
that are allowed and well formed, so the view can echo them in <request>.
"""

import re
from dataclasses import dataclass, field

from django.http import QueryDict

from .datestamps import Bound, parse_range
from .errors import BadArgument, BadVerb


@dataclass(frozen=True)
class VerbRules:
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    # An exclusive argument may come only with the verb.
    exclusive: str | None = None

    @property
    def allowed(self) -> set[str]:
        names = {*self.required, *self.optional}
        if self.exclusive:
            names.add(self.exclusive)
        return names


_LIST = VerbRules(
    required=("metadataPrefix",),
    optional=("from", "until", "set"),
    exclusive="resumptionToken",
)
VERBS = {
    "Identify": VerbRules(),
    "ListMetadataFormats": VerbRules(optional=("identifier",)),
    "ListSets": VerbRules(exclusive="resumptionToken"),
    "GetRecord": VerbRules(required=("identifier", "metadataPrefix")),
    "ListIdentifiers": _LIST,
    "ListRecords": _LIST,
}

# The patterns of OAI-PMH.xsd (metadataPrefixType, setSpecType).
METADATA_PREFIX = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+$")
SET_SPEC = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*$")
# A URI as RFC 3986 writes one: a scheme, then no spaces, controls or the
# characters it never allows unescaped.
URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`\x00-\x1f\x7f]+$")


@dataclass(frozen=True)
class OAIRequest:
    verb: str
    arguments: dict[str, str] = field(default_factory=dict)
    start: Bound | None = None
    until: Bound | None = None

    def get(self, name: str) -> str | None:
        return self.arguments.get(name)

    def echo(self) -> dict[str, str]:
        """The <request> attributes: the verb and its legal arguments."""
        attributes = {"verb": self.verb, **self.arguments}
        identifier = attributes.get("identifier")
        if identifier is not None and not URI.match(identifier):
            # Unknown identifiers are echoed; text that is not a URI cannot be
            # (the schema types the attribute anyURI).
            del attributes["identifier"]
        return attributes


def parse(query: QueryDict) -> OAIRequest:
    verbs = query.getlist("verb")
    if not verbs:
        raise BadVerb("The request has no verb argument.")
    if len(verbs) > 1:
        raise BadVerb("The verb argument is repeated.")
    verb = verbs[0]
    rules = VERBS.get(verb)
    if rules is None:
        raise BadVerb(f"'{verb}' is not an OAI-PMH verb.")

    arguments: dict[str, str] = {}
    for name, values in query.lists():
        if name == "verb":
            continue
        if name not in rules.allowed:
            raise BadArgument(f"{verb} does not take the argument '{name}'.")
        if len(values) > 1:
            raise BadArgument(f"The argument '{name}' is repeated.")
        if not values[0]:
            raise BadArgument(f"The argument '{name}' is empty.")
        arguments[name] = values[0]

    if rules.exclusive and rules.exclusive in arguments:
        if len(arguments) > 1:
            raise BadArgument(
                f"{rules.exclusive} is an exclusive argument: it may come only "
                "with the verb."
            )
        return OAIRequest(verb, arguments)

    for name in rules.required:
        if name not in arguments:
            raise BadArgument(f"{verb} requires the argument '{name}'.")
    prefix = arguments.get("metadataPrefix")
    if prefix is not None and not METADATA_PREFIX.match(prefix):
        raise BadArgument(f"'{prefix}' is not a legal metadataPrefix.")
    set_spec = arguments.get("set")
    if set_spec is not None and not SET_SPEC.match(set_spec):
        raise BadArgument(f"'{set_spec}' is not a legal setSpec.")
    start, until = parse_range(arguments.get("from"), arguments.get("until"))
    return OAIRequest(verb, arguments, start, until)
