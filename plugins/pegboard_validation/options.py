"""The settings of the validation plugin, given to ``validation(...)``."""

from __future__ import annotations

from typing import Literal

import attrs

__all__ = ["ValidationOptions"]


@attrs.frozen
class ValidationOptions:
    """How the plugin validates requests and documents them.

    ``separate_input_output_schemas``: document a model whose input and output
    schemas differ twice, as ``Item-Input`` and ``Item-Output`` (as FastAPI does).
    ``strict_content_type``: a JSON body must come with ``Content-Type:
    application/json`` (or ``application/*+json``); when False, a body without any
    Content-Type is read as JSON too. ``wrong_content_type``: ``"refuse"`` a body
    whose Content-Type the route does not read with a 415, or ``"validate"`` it as
    FastAPI does (an empty form; a JSON body's text), which ends in a 422.
    ``max_form_fields``, ``max_form_files`` and
    ``max_form_part_size`` bound what a form may hold (a larger form is refused with
    400); the core's ``max_body_size`` bounds the whole body. ``problem_details``
    renders validation and HTTP errors as RFC 9457 ``application/problem+json``.
    """

    separate_input_output_schemas: bool = True
    strict_content_type: bool = True
    wrong_content_type: Literal["refuse", "validate"] = attrs.field(
        default="refuse", validator=attrs.validators.in_(("refuse", "validate"))
    )
    max_form_fields: int = attrs.field(default=1000, validator=attrs.validators.ge(0))
    max_form_files: int = attrs.field(default=1000, validator=attrs.validators.ge(0))
    max_form_part_size: int = attrs.field(default=1024 * 1024, validator=attrs.validators.ge(1))
    problem_details: bool = False
