"""pegboard_validation: typed parameters, bodies and response models, with pydantic.

Enable it with ``App(plugins=[validation()])`` (or by the name ``"validation"``). A
FastAPI handler ports by changing its imports to this package::

    from pegboard_validation import Body, Cookie, File, Form, Header, Path, Query, UploadFile
"""

try:
    import pydantic  # noqa: F401
except ModuleNotFoundError:
    raise ModuleNotFoundError(
        "pegboard_validation needs pydantic, which is not installed. Install the "
        'plugin\'s extra: pip install "pegboard[validation]"',
        name="pydantic",
    ) from None

from pegboard.exception_handlers import request_validation_exception_handler
from pegboard.exceptions import RequestValidationError
from pegboard_validation.errors import ResponseValidationError, problem_details_handler
from pegboard_validation.markers import Body, Cookie, File, Form, Header, Param, Path, Query
from pegboard_validation.options import ValidationOptions
from pegboard_validation.plugin import ValidationPlugin, validation
from pegboard_validation.uploads import UploadFile

__all__ = [
    "Body",
    "Cookie",
    "File",
    "Form",
    "Header",
    "Param",
    "Path",
    "Query",
    "RequestValidationError",
    "ResponseValidationError",
    "UploadFile",
    "ValidationOptions",
    "ValidationPlugin",
    "problem_details_handler",
    "request_validation_exception_handler",
    "validation",
]
