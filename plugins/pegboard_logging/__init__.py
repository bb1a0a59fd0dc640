"""pegboard_logging: JSON logs with a request id, and one access-log line per request.

``App(plugins=[request_logging()])`` (or the name ``"logging"``) gives every request
an id, taken from a trusted ``X-Request-ID`` header or generated, echoed in the
response, and attached to every log line written while the request runs, whichever
logger writes it. Each request ends with one access-log line (method, route
template, status, duration, client, request id); an unhandled error is logged once,
with its traceback. Built on the standard library's :mod:`logging`, the lines
encoded by ``python-json-logger`` (see docs/plugins/logging.md for why).
"""

from pegboard_logging.context import current_request_id, request_id
from pegboard_logging.output import json_formatter
from pegboard_logging.plugin import RequestLoggingPlugin, request_logging
from pegboard_logging.request_ids import RequestIds

__all__ = [
    "RequestIds",
    "RequestLoggingPlugin",
    "current_request_id",
    "json_formatter",
    "request_id",
    "request_logging",
]
