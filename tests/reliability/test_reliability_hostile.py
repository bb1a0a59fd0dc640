"""Hostile input, in-process: every case a 4xx (or a documented 2xx), none a 5xx or a hang.

The requests go to the app as raw ASGI messages (see ``driver.py``): bytes a client
library would refuse to send or would normalize (NUL in paths, invalid UTF-8, two
Content-Types, lying Content-Lengths, bodies cut short) reach the app unchanged.
Each request has a deadline; the large ones are measured with tracemalloc, and the
body bytes the app pulled are counted, so "refused without being read" is checked,
not assumed. The request-line and framing cases only a real server sees are in
``test_reliability_hostile_wire.py``.
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from collections.abc import Iterator

import pytest

from ..conftest import load_module
from .catalogue import CASES, CATEGORIES, FAULTS_CASES, JWT_CASES, MAX_BODY, Hostile
from .driver import LiveApp, RawResponse
from .memory import measure_peak
from .report import record

#: Seconds a hostile request may take in-process (ReDoS and quadratic parsing show here).
DEADLINE = 3.0
#: Peak memory growth a single large request may cause, by how it is measured. The body
#: limit is 1 MiB; parsed into Python objects and echoed in a 422, the worst case (a
#: list of one-letter strings filling the limit) takes about 20 MiB of resident memory.
PEAK_LIMIT = {"rss": 48 * 1024 * 1024, "tracemalloc": 96 * 1024 * 1024}
#: Body bytes an oversized request may have pulled: the limit plus one 4 MiB chunk.
PULL_LIMIT = MAX_BODY + 4 * 1024 * 1024 + 64 * 1024
ASSETS = (b"/docs/assets/", b"/redoc/assets/", b"/scalar/assets/")


def run_case(live: LiveApp, case: Hostile, layer: str) -> RawResponse:
    with measure_peak() if case.big else contextlib.nullcontext() as peak:
        response = live.send(
            case.method, case.target, case.headers, case.chunks(), disconnect=case.disconnect
        )
    record(case.category, layer, case.name, response.status if response.answered else None)

    assert response.error is None, f"{case.id}: {response.error!r} escaped the app"
    assert response.status < 500, f"{case.id}: {response.status} {response.body[:300]!r}"
    assert response.seconds < DEADLINE, f"{case.id} took {response.seconds:.2f} s"
    if case.expect:
        assert response.status in case.expect, (
            f"{case.id}: {response.status} not in {case.expect}: {response.body[:300]!r}"
        )
    else:  # the client went away: nobody to answer, and nothing raised
        assert not response.answered, f"{case.id}: answered {response.status} to no one"
    if response.status == 413:
        assert response.consumed <= PULL_LIMIT, f"{case.id} read {response.consumed} bytes"
    if peak is not None:
        limit = PEAK_LIMIT[peak.method]
        assert peak.bytes < limit, f"{case.id}: peak {peak.bytes / 2**20:.1f} MiB ({peak.method})"
    if response.answered and response.status >= 400 and not case.target.startswith(ASSETS):
        # Every error a client sees is JSON with a detail (the docs plugins' asset
        # routes answer an unknown file name with a plain-text 404).
        assert response.header("content-type") == "application/json", case.id
        assert b'"detail"' in response.body, case.id
    return response


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_showcase_refuses_hostile_input(showcase_live: LiveApp, case: Hostile):
    run_case(showcase_live, case, "app (in-process)")


@pytest.mark.parametrize("case", JWT_CASES, ids=lambda case: case.id)
def test_oauth2_example_refuses_hostile_credentials(jwt_live: LiveApp, case: Hostile):
    response = run_case(jwt_live, case, "app (in-process, oauth2_jwt)")
    if response.status == 401:
        assert response.header("www-authenticate") is not None, case.id


@pytest.fixture(scope="module")
def faults_live() -> Iterator[LiveApp]:
    with LiveApp(load_module("tests/reliability/apps/faults.py").app) as live:
        yield live


@pytest.mark.parametrize("case", FAULTS_CASES, ids=lambda case: case.id)
def test_raw_json_and_cookie_keys_refuse_hostile_input(faults_live: LiveApp, case: Hostile):
    run_case(faults_live, case, "app (in-process, faults)")


def test_the_catalogue_covers_every_category_of_the_issue():
    counts = Counter(case.category for case in (*CASES, *JWT_CASES, *FAULTS_CASES))
    assert set(counts) == set(CATEGORIES)
    assert sum(counts.values()) >= 100
    assert min(counts.values()) >= 10, counts
    names = " ".join(case.name for case in CASES)
    for advisory in (
        "CVE-2024-24762",
        "CVE-2024-47874",
        "CVE-2023-30798",
        "CVE-2024-53981",
        "CVE-2026-40347",
        "CVE-2026-42561",
        "CVE-2026-53539",
        "CVE-2025-54121",
        "CVE-2025-62727",
    ):
        assert advisory in names, advisory
    # Every case has a unique id, so the outcome table counts each once.
    ids = [case.id for case in (*CASES, *JWT_CASES, *FAULTS_CASES)]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[^\n]+", i) for i in ids)


def test_a_file_sent_as_a_plain_field_is_named_not_dumped(showcase_live: LiveApp):
    # Was a 500: the error's input, an UploadFile, went through jsonable_encoder, which
    # iterated the (closed) temporary file. Now it is summarized.
    body = (
        b'--hostile\r\nContent-Disposition: form-data; name="rating"; filename="r.txt"\r\n'
        b"\r\nsecret file content\r\n--hostile--\r\n"
    )
    response = showcase_live.send(
        "POST",
        "/books/1/reviews",
        [("content-type", "multipart/form-data; boundary=hostile")],
        [body],
    )
    assert response.status == 422
    assert b"secret file content" not in response.body
    assert b'"input":{"filename":"r.txt","content_type":null,"size":19}' in response.body
