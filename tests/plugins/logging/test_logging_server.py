"""Under `pegboard run`: the plugin's lines replace the server's access log; errors once."""

from __future__ import annotations

import http.client
import json
import os
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from benchmarks.server import Server, free_port

pytestmark = pytest.mark.slow

PEGBOARD = str(Path(sys.executable).with_name("pegboard"))

APP = textwrap.dedent(
    """
    import logging

    from pegboard import App
    from pegboard_logging import request_logging

    app = App(plugins=[request_logging()])

    @app.get("/hello/{name}")
    async def hello(name: str):
        logging.getLogger("shop").info("greeting %s", name)
        return {"hello": name}

    @app.get("/crash")
    async def crash():
        raise ValueError("secret detail")
    """
)


def get(port: int, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


@pytest.mark.parametrize("server_name", ["uvicorn", "granian"])
def test_one_line_per_request_and_one_traceback(tmp_path: Path, server_name: str):
    pytest.importorskip(server_name)
    (tmp_path / "main.py").write_text(APP)
    port = free_port()
    argv = [PEGBOARD, "run", "main.py", "--server", server_name, "--port", str(port)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    server = Server(argv, port, name=f"pegboard run ({server_name})", cwd=tmp_path, env=env)
    with server:
        status, headers, _ = get(port, "/hello/ada", {"X-Request-ID": "abc-123"})
        assert (status, headers["x-request-id"]) == (200, "abc-123")
        status, headers, body = get(port, "/crash", {})
        assert status == 500
        assert b"secret detail" not in body
        crash_id = headers["x-request-id"]
        deadline = time.monotonic() + 10
        while "GET /crash 500" not in server.log_tail(1000) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.3)  # anything the server would print after it
        log = server.log_tail(1000)
    records = json_lines(log)
    assert [(r["logger"], r["message"], r["request_id"]) for r in records] == [
        ("shop", "greeting ada", "abc-123"),
        ("pegboard.access", "GET /hello/{name} 200", "abc-123"),
        ("pegboard.access.errors", "Unhandled error in GET /crash", crash_id),
        ("pegboard.access", "GET /crash 500", crash_id),
    ]
    assert log.count("Traceback (most recent call last)") == 1, log  # logged once
    assert "Exception in ASGI application" not in log
    assert '"GET /hello/ada HTTP/1.1" 200' not in log  # uvicorn's access line
