"""Shared test helpers: loading docs samples and examples by path."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_module(relative_path: str) -> ModuleType:
    """Import a file of the repository (a docs sample or an example) as a fresh module."""
    path = ROOT / relative_path
    name = "sample_" + "_".join(path.relative_to(ROOT).with_suffix("").parts).replace("-", "_")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None, path
    assert spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def load_sample():
    """``load_sample("docs/src/quickstart/hello.py")`` imports a docs sample afresh."""
    return load_module


@pytest.fixture(scope="session")
def _redis_server():
    """One redis-server for the whole run, started when a test first asks for it."""
    from tests.servers import redis_server

    with redis_server() as server:
        yield server


@pytest.fixture
def redis_url(_redis_server) -> str:
    """The URL of a running redis-server, emptied before each test."""
    if not _redis_server.running:  # a test stopped it
        _redis_server.start()
    _redis_server.flush()
    return _redis_server.url
