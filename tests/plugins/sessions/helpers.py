"""Shared helpers for the sessions plugin's tests."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from pegboard import App
from pegboard_sessions import sessions
from pegboard_stores import MemoryStore, StoreUnavailable

KEY = "k" * 20 + "-test-secret-key-of-43-chars"  # 48 characters


class RecordingStore:
    """A MemoryStore that notes every write (key, expires_in) and deletion."""

    def __init__(self) -> None:
        self.inner = MemoryStore()
        self.sets: list[tuple[str, float | None]] = []
        self.deletes: list[str] = []

    async def get(self, key: str) -> bytes | None:
        return await self.inner.get(key)

    async def set(self, key: str, value: bytes, *, expires_in: float | None = None) -> None:
        self.sets.append((key, expires_in))
        await self.inner.set(key, value, expires_in=expires_in)

    async def delete(self, key: str) -> None:
        self.deletes.append(key)
        await self.inner.delete(key)

    async def increment(self, key: str, amount: int = 1, *, expires_in: float | None = None) -> int:
        return await self.inner.increment(key, amount, expires_in=expires_in)

    async def delete_prefix(self, prefix: str) -> int:
        return await self.inner.delete_prefix(prefix)

    async def close(self) -> None:
        await self.inner.close()


class BrokenStore(RecordingStore):
    """A store whose backend is down for the operations named in ``failing``."""

    def __init__(self, failing: set[str]) -> None:
        super().__init__()
        self.failing = failing

    async def get(self, key: str) -> bytes | None:
        if "get" in self.failing:
            raise StoreUnavailable("down")
        return await super().get(key)

    async def set(self, key: str, value: bytes, *, expires_in: float | None = None) -> None:
        if "set" in self.failing:
            raise StoreUnavailable("down")
        await super().set(key, value, expires_in=expires_in)


def session_app(**options: Any) -> App:
    """An app with the core and the sessions plugin only."""
    options.setdefault("secret_key", KEY)
    return App(plugins=[sessions(**options)])


def https_client(app: App, **kwargs: Any) -> TestClient:
    """A client on https://, so that Secure cookies are sent back as a browser would."""
    return TestClient(app, base_url="https://testserver", **kwargs)


def set_cookie_headers(response: Any) -> list[str]:
    return [v for k, v in response.headers.multi_items() if k.lower() == "set-cookie"]
