"""What a request id is: the ids the plugin accepts and makes, the marker, the option."""

import re
import uuid

from pegboard import Marker, RequestContext

#: The route option: ``require_request_id=True`` refuses requests without a valid id.
OPTION = "require_request_id"

#: Ids a client may send: short tokens that are safe to log and to echo in a header.
VALID_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def new_id() -> str:
    """A fresh id: 32 hex digits."""
    return uuid.uuid4().hex


class RequestId(Marker):
    """Marks the handler parameter that receives the id: ``Annotated[str, RequestId()]``."""


def read_request_id(ctx: RequestContext) -> str:
    """The id the middleware put in the request's state (``request.state.request_id``)."""
    request_id: str = ctx.connection.state.request_id
    return request_id
