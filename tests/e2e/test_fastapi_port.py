"""The porter behind ``python -m benchmarks.tutorials``: FastAPI source in, pegboard app out."""

from __future__ import annotations

import types

import pytest
from starlette.testclient import TestClient

from benchmarks.fastapi_port import port_source

pytest.importorskip("pegboard_validation")

FASTAPI_STYLE = '''"""A FastAPI-style module."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Query
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel


class Item(BaseModel):
    name: str


def token(x_token: str | None = None):
    return x_token


app = FastAPI(title="Shop", docs_url=None, dependencies=[Depends(token)])


@app.get("/items/{item_id}")
def read(item_id: int, q: Annotated[str | None, Query(max_length=3)] = None):
    if item_id == 0:
        raise HTTPException(status_code=404, detail="no such item")
    return {"item_id": item_id, "q": q}


@app.post("/items", status_code=201)
def create(item: Item):
    return item


@app.get("/ping", response_class=PlainTextResponse)
def ping():
    return "pong"
'''


def load(source: str) -> types.ModuleType:
    module = types.ModuleType("ported")
    exec(compile(port_source(source), "ported.py", "exec"), module.__dict__)
    return module


def test_a_ported_module_imports_no_fastapi_and_serves_the_same_answers():
    ported = port_source(FASTAPI_STYLE)
    assert "fastapi" not in ported.replace("FastAPI-style", "")
    with TestClient(load(FASTAPI_STYLE).app) as client:
        assert client.get("/items/3", params={"q": "ab"}).json() == {"item_id": 3, "q": "ab"}
        assert client.get("/items/3", params={"q": "abcd"}).status_code == 422
        assert client.get("/items/0").json() == {"detail": "no such item"}
        created = client.post("/items", json={"name": "pen"})
        assert (created.status_code, created.json()) == (201, {"name": "pen"})
        assert client.get("/ping").text == "pong"
        document = client.get("/openapi.json").json()
        # title= moved into openapi(); docs_url=None left Swagger UI out; ReDoc stays.
        assert document["info"] == {"title": "Shop", "version": "0.1.0"}
        assert client.get("/docs").status_code == 404
        assert client.get("/redoc").status_code == 200


def test_fastapi_defaults_are_kept_for_the_document():
    with TestClient(load("from fastapi import FastAPI\napp = FastAPI()\n").app) as client:
        assert client.get("/openapi.json").json()["info"] == {
            "title": "FastAPI",
            "version": "0.1.0",
        }


def test_a_name_without_a_pegboard_answer_fails_the_import():
    source = "from fastapi.routing import APIRoute\n"
    with pytest.raises(ImportError, match=r"not ported: fastapi\.routing\.APIRoute"):
        load(source)


def test_an_unknown_app_keyword_is_left_for_app_to_reject():
    with pytest.raises(Exception, match="telemetry"):
        load("from fastapi import FastAPI\napp = FastAPI(telemetry=True)\n")


def test_indented_imports_keep_their_block():
    source = (
        "def make():\n    from fastapi import FastAPI, Request\n    return FastAPI(), Request\n"
    )
    app, request = load(source).make()
    assert request.__module__.startswith(("starlette", "pegboard"))
    assert type(app).__name__ == "App"
