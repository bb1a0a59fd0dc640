"""The reference app written twice: FastAPI's document and pegboard's agree.

openapi_reference_fastapi.py and openapi_reference_pegboard.py are the same app, the
second with the validation, di and openapi plugins. Their documents must agree on
paths, methods, operation ids, summaries and tags, parameters (name, location,
required, schema), request bodies and success-response schemas, and on which status
codes each operation documents. Schemas are compared with their refs resolved, so
the names of components may differ.

The deliberate differences are listed in DIFFERENCES, each with its reason and a
function that removes it from both sides; the last test checks that each one still
occurs, so the list stays true.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from openapi_spec_validator import validate

from pegboard_openapi import get_openapi

from . import openapi_reference_fastapi, openapi_reference_pegboard

Schema = Any


def _without_titles(schema: Schema) -> Schema:
    return {k: v for k, v in schema.items() if k != "title"}


_BINARY = (
    {"type": "string", "format": "binary"},
    {"type": "string", "contentMediaType": "application/octet-stream"},
)


def _same_binary(schema: Schema) -> Schema:
    return {"type": "string", "binary": True} if schema in _BINARY else schema


#: name -> (reason, normalization applied to every schema object on both sides)
DIFFERENCES: dict[str, tuple[str, Callable[[Schema], Schema]]] = {
    "titles": (
        "Titles are labels derived from Python names. FastAPI titles a header parameter "
        "by its alias ('X-Token') and names response and embedded-body schemas after "
        "the route ('Response List Items Items  Get', 'Body_login_login_post'); the "
        "validation plugin uses pydantic's titles and inlines those schemas.",
        _without_titles,
    ),
    "binary files": (
        "Uploaded files: the validation plugin documents them as format 'binary', which "
        "every docs UI renders as a file picker; FastAPI 0.165 uses OpenAPI 3.1's "
        "contentMediaType 'application/octet-stream'.",
        _same_binary,
    ),
}


def _resolve(node: Any, document: dict[str, Any], seen: tuple[str, ...] = ()) -> Any:
    """``node`` with every ``$ref`` replaced by what it points to (cycles kept as refs)."""
    if isinstance(node, list):
        return [_resolve(item, document, seen) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str):
        name = ref.rsplit("/", 1)[1]
        if name in seen:
            return {"$ref": "(recursive)"}
        target = _resolve(document["components"]["schemas"][name], document, (*seen, name))
        return {
            **target,
            **_resolve({k: v for k, v in node.items() if k != "$ref"}, document, seen),
        }
    return {key: _resolve(value, document, seen) for key, value in node.items()}


def _normalize(node: Any, normalizations: list[Callable[[Schema], Schema]]) -> Any:
    if isinstance(node, list):
        return [_normalize(item, normalizations) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _normalize(value, normalizations) for key, value in node.items()}
    for normalize in normalizations:
        node = normalize(node)
    return node


def _schema(
    node: Any, document: dict[str, Any], normalizations: list[Callable[[Schema], Schema]]
) -> Any:
    return _normalize(_resolve(node, document), normalizations)


def _content(content: dict[str, Any], document: dict[str, Any], normalizations: list[Any]) -> Any:
    return {
        media: _schema(media_type.get("schema"), document, normalizations)
        for media, media_type in content.items()
    }


def _view(
    document: dict[str, Any], normalizations: list[Callable[[Schema], Schema]]
) -> dict[str, Any]:
    """What the documents must agree on, per operation."""
    view: dict[str, Any] = {}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            parameters = {
                f"{p['in']} {p['name']}": (
                    p.get("required", False),
                    _schema(p["schema"], document, normalizations),
                )
                for p in operation.get("parameters", [])
            }
            body = operation.get("requestBody")
            view[f"{method.upper()} {path}"] = {
                "operationId": operation["operationId"],
                "summary": operation["summary"],
                "tags": operation.get("tags", []),
                "parameters": parameters,
                "requestBody": None
                if body is None
                else (
                    body.get("required", False),
                    _content(body["content"], document, normalizations),
                ),
                "statuses": sorted(operation["responses"]),
                "success": {
                    status: _content(response.get("content", {}), document, normalizations)
                    for status, response in operation["responses"].items()
                    if status.startswith("2")
                },
            }
    return view


@pytest.fixture(scope="module")
def documents() -> tuple[dict[str, Any], dict[str, Any]]:
    fastapi_document = openapi_reference_fastapi.app.openapi()
    pegboard_document = get_openapi(openapi_reference_pegboard.app)
    validate(pegboard_document)
    return fastapi_document, pegboard_document


def test_same_operations(documents: tuple[dict[str, Any], dict[str, Any]]) -> None:
    fastapi_document, pegboard_document = documents
    assert {p: list(i) for p, i in pegboard_document["paths"].items()} == {
        p: list(i) for p, i in fastapi_document["paths"].items()
    }


def test_documents_agree_but_for_the_listed_differences(
    documents: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    normalizations = [normalize for _, normalize in DIFFERENCES.values()]
    fastapi_view = _view(documents[0], normalizations)
    pegboard_view = _view(documents[1], normalizations)
    for operation, expected in fastapi_view.items():
        for part, value in expected.items():
            assert pegboard_view[operation][part] == value, (operation, part)


@pytest.mark.parametrize("difference", list(DIFFERENCES))
def test_each_listed_difference_still_occurs(
    documents: tuple[dict[str, Any], dict[str, Any]], difference: str
) -> None:
    others = [normalize for name, (_, normalize) in DIFFERENCES.items() if name != difference]
    fastapi_view = _view(documents[0], others)
    pegboard_view = _view(documents[1], others)
    assert fastapi_view != pegboard_view, (
        f"{difference!r} no longer differs: remove it from DIFFERENCES"
    )


def test_fastapi_compatible_writes_fastapis_document_exactly() -> None:
    # openapi(fastapi_compatible=True) undoes every deliberate difference: the 422 on
    # every operation with inputs, files as contentMediaType, and the rest.
    import attrs

    from pegboard_openapi.document import SETTINGS, build_document

    app = openapi_reference_pegboard.app
    app.build()
    settings = attrs.evolve(app.stash.get(SETTINGS, None), fastapi_compatible=True)
    document = build_document(app, settings)
    validate(document)
    assert document == openapi_reference_fastapi.app.openapi()
