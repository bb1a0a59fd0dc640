"""``UploadFile``: Starlette's uploaded file, as a type pydantic can validate.

Annotate a parameter ``file: UploadFile`` (this class or Starlette's; both work) to
receive a part of a multipart form. In JSON Schema it is a binary string.
"""

from __future__ import annotations

from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema
from starlette.datastructures import UploadFile as StarletteUploadFile

__all__ = ["UploadFile"]


def _validate_upload(value: Any) -> StarletteUploadFile:
    if isinstance(value, StarletteUploadFile):
        return value
    raise PydanticCustomError("file_type", "Input should be an uploaded file")


class UploadFile(StarletteUploadFile):
    """An uploaded file (``filename``, ``content_type``, ``size``, ``await read()``).

    The files of a request are closed after its response is sent.
    """

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(_validate_upload)

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "format": "binary"}
