"""Request ids: an X-Request-ID header on every response, and the id in handlers.

Enable it with ``App(plugins=[requestid()])``, or by its name once installed:
``App(plugins=["requestid"])``. Generated from pegboard's plugin template
(``pegboard new plugin``), then given its own behaviour.
"""

from pegboard_requestid._version import __version__
from pegboard_requestid.hookspecs import Hooks
from pegboard_requestid.ids import OPTION, VALID_ID, RequestId, new_id
from pegboard_requestid.plugin import RequestIdPlugin, requestid

__all__ = [
    "OPTION",
    "VALID_ID",
    "Hooks",
    "RequestId",
    "RequestIdPlugin",
    "__version__",
    "new_id",
    "requestid",
]
