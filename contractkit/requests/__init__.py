"""The two requests users make — check contracts, generate an agreement — validated once, here.

The command line, the Python API and the review service build a ``CheckRequest`` or a
``GenerateRequest`` and nothing else checks option ids, roles or parameter values. Every
problem is a ``RequestError`` with a stable ``code``, the ``field`` at fault and a message in
English (``en``: the command line, Python) and Chinese (``zh``: the service's API and forms);
all of a request's problems come together in one ``InvalidRequest``.
"""

from .check import MAX_NAME_LENGTH, MAX_NAMES, CheckRequest, RoleAssignments
from .errors import InvalidRequest, RequestError, raise_if_any, shape_errors
from .generate import DEFAULT_FORMAT, GenerateRequest
from .vocabulary import unknown

__all__ = [
    "DEFAULT_FORMAT", "MAX_NAMES", "MAX_NAME_LENGTH", "CheckRequest", "GenerateRequest", "InvalidRequest",
    "RequestError", "RoleAssignments", "raise_if_any", "shape_errors", "unknown",
]
