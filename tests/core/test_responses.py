from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from pegboard import App, RedirectResponse, ServerSentEvent


def test_event_fields_in_wire_order():
    event = ServerSentEvent(data={"a": 1}, event="tick", id="7", retry=500, comment="c")
    assert event.encode() == b': c\nevent: tick\nid: 7\nretry: 500\ndata: {"a":1}\n\n'


def test_string_data_is_json_quoted_and_raw_data_is_not():
    assert ServerSentEvent(data="hi").encode() == b'data: "hi"\n\n'
    assert ServerSentEvent(raw_data="a\nb").encode() == b"data: a\ndata: b\n\n"


def test_comment_only_event_is_a_keepalive():
    assert ServerSentEvent(comment="ping").encode() == b": ping\n\n"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"event": "a\nb"}, "'event' must be a single line"),
        ({"id": "a\rb"}, "'id' must be a single line"),
        ({"id": "a\0b"}, "must not contain NUL"),
        ({"retry": -1}, "non-negative"),
        ({"data": 1, "raw_data": "1"}, "not both"),
    ],
)
def test_invalid_events_are_refused(kwargs: dict[str, object], message: str):
    with pytest.raises(ValueError, match=message):
        ServerSentEvent(**kwargs)  # type: ignore[arg-type]


def test_a_response_class_with_its_own_default_status_answers_with_it() -> None:
    app = App()

    @app.get("/go", response_class=RedirectResponse)
    async def go() -> str:
        return "https://example.com/"

    @app.get("/moved", response_class=RedirectResponse, status_code=301)
    async def moved() -> str:
        return "https://example.com/"

    client = TestClient(app)
    found = client.get("/go", follow_redirects=False)
    moved_response = client.get("/moved", follow_redirects=False)
    assert (found.status_code, found.headers["location"]) == (307, "https://example.com/")
    assert moved_response.status_code == 301
