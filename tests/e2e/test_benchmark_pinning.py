"""Side-by-side wire runs pin the server and wrk to different CPUs (benchmarks/server.py)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from benchmarks.server import in_child, pinned_cpus

pytestmark = pytest.mark.skipif(
    sys.platform != "linux" or len(os.sched_getaffinity(0)) < 2, reason="Linux, 2+ CPUs"
)

SHOW = [sys.executable, "-c", "import os; print(sorted(os.sched_getaffinity(0)))"]


def test_server_and_load_get_different_cpus(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("PEGBOARD_BENCH_PIN", raising=False)
    pinned = pinned_cpus()
    assert pinned is not None
    server, load = pinned
    assert len(server) == len(load) == 1
    assert not server & load


def test_the_child_runs_on_the_cpus_given():
    cpu = sorted(os.sched_getaffinity(0))[-1]
    shown = subprocess.run(SHOW, preexec_fn=in_child({cpu}), capture_output=True, text=True)
    assert shown.stdout.strip() == f"[{cpu}]"


def test_pinning_can_be_turned_off(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PEGBOARD_BENCH_PIN", "0")
    assert pinned_cpus() is None
    assert in_child(None) is None
