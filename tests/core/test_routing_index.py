"""The route index never changes which route matches: a property-based check."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.routing import BaseRoute, Match, Mount
from starlette.routing import Route as StarletteRoute

from pegboard.routing import _RouteIndex

LITERALS = ["a", "b", "api", "v1", ""]
PARAMS = ["{x}", "{n:int}", "{p:path}", "{f:float}"]


async def endpoint(request):  # type: ignore[no-untyped-def]
    return None


segment = st.sampled_from(LITERALS + PARAMS)


@st.composite
def routes(draw: st.DrawFn) -> list[BaseRoute]:
    result: list[BaseRoute] = []
    names: set[str] = set()
    for _ in range(draw(st.integers(1, 30))):
        segments = draw(st.lists(segment, min_size=1, max_size=4))
        # Starlette refuses a parameter name twice in one path.
        seen: set[str] = set()
        cleaned = []
        for seg in segments:
            name = seg.strip("{}").split(":")[0] if seg.startswith("{") else None
            if name in seen:
                continue
            if name:
                seen.add(name)
            cleaned.append(seg)
        path = "/" + "/".join(cleaned)
        if draw(st.booleans()) and "{p:path}" not in path:
            result.append(Mount(path.rstrip("/") or "", routes=[]))
        else:
            methods = draw(st.sampled_from([["GET"], ["POST"]]))
            result.append(StarletteRoute(path, endpoint, methods=methods))
        names.add(path)
    return result


request_path = st.lists(
    st.sampled_from(["a", "b", "api", "v1", "", "7", "1.5", "x"]), max_size=5
).map(lambda parts: "/" + "/".join(parts))


def scope_for(path: str) -> dict[str, object]:
    return {"type": "http", "path": path, "root_path": "", "method": "GET", "headers": []}


@settings(max_examples=300, deadline=None)
@given(routes(), st.lists(request_path, min_size=1, max_size=10))
def test_index_candidates_keep_every_match_in_order(table: list[BaseRoute], paths: list[str]):
    index = _RouteIndex(table)
    for path in paths:
        scope = scope_for(path)
        expected = [r for r in table if r.matches(scope)[0] is not Match.NONE]
        found = [r for r in index.candidates(path) if r.matches(scope)[0] is not Match.NONE]
        assert found == expected, path


def test_index_splits_deep_buckets():
    table = [StarletteRoute(f"/api/v1/r{i}/{{x}}", endpoint) for i in range(50)]
    index = _RouteIndex(table)
    assert index.candidates("/api/v1/r42/7") == [table[42]]
