"""OAI-PMH error conditions (spec section 3.6), raised as exceptions.

Each carries the spec's error code and a message for the harvester. The view
turns any of them into an <error> element of an HTTP 200 response, as the
protocol requires.
"""


class OAIError(Exception):
    code: str = ""
    # badVerb and badArgument responses echo no arguments in <request>
    # (spec 3.2): the request could not be understood.
    echo_arguments: bool = True

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class BadVerb(OAIError):
    code = "badVerb"
    echo_arguments = False


class BadArgument(OAIError):
    code = "badArgument"
    echo_arguments = False


class BadResumptionToken(OAIError):
    code = "badResumptionToken"


class CannotDisseminateFormat(OAIError):
    code = "cannotDisseminateFormat"


class IdDoesNotExist(OAIError):
    code = "idDoesNotExist"


class NoRecordsMatch(OAIError):
    code = "noRecordsMatch"


class NoMetadataFormats(OAIError):
    code = "noMetadataFormats"


class NoSetHierarchy(OAIError):
    code = "noSetHierarchy"
