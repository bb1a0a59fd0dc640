"""The benchmark apps answer every benchmarked request alike (benchmarks/inprocess.py).

A benchmark app that breaks (a plugin API change, say) would otherwise only show up
as a framework missing from the next benchmark run.
"""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest

from benchmarks import inprocess

# The comparison frameworks come from the `bench` dependency group.
OPTIONAL = {
    "fastapi": ("fastapi",),
    "litestar": ("litestar",),
    "blacksheep": ("blacksheep",),
    "falcon": ("falcon", "msgspec"),
    "falcon_pydantic": ("falcon", "msgspec"),
}


def installed_frameworks() -> tuple[str, ...]:
    return tuple(
        name
        for name in inprocess.FRAMEWORKS
        if all(importlib.util.find_spec(module) for module in OPTIONAL.get(name, ()))
    )


@pytest.mark.slow
def test_every_app_gives_the_expected_responses() -> None:
    names = installed_frameworks()
    assert {"starlette", "pegboard_core", "pegboard_all"} <= set(names)

    result = inprocess.run(inprocess.Settings(frameworks=names), check_only=True)

    assert result["excluded"] == [], result["mismatches"]
    # Invalid requests too: the same status everywhere (error bodies are not compared).
    assert result["wrong_on_invalid"] == [], result["mismatches"]


async def broken_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """An ASGI app that answers every request with the wrong body (no lifespan)."""
    if scope["type"] != "http":
        return
    body = b'{"message": "goodbye"}'
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


@pytest.mark.slow
def test_a_wrong_response_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(inprocess.FRAMEWORKS, "broken", f"{__name__}:broken_app")

    settings = inprocess.Settings(frameworks=("starlette", "broken"), endpoints=("plain",))
    result = inprocess.run(settings, check_only=True)

    assert result["excluded"] == ["broken/plain"]
    assert inprocess.main(["--check-only", "-f", "starlette,broken", "-e", "plain"]) == 1
