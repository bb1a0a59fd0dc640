"""The sessions plugin: a signed id in a cookie, the data in a store.

Build time: a handler or dependency parameter annotated ``Session`` (or the route
option ``session=True``) gets a resolver; routes without either are compiled as if
the plugin were not enabled. Per request, that resolver reads the cookie, checks its
signature, fetches the data from the store, and registers the commit that writes the
session back (and sets or expires the cookie) once the handler has returned.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import logging
import math
import time
from collections.abc import Awaitable, Sequence
from types import TracebackType
from typing import Any, Literal

from itsdangerous import BadSignature, Signer
from starlette.responses import Response

from pegboard import (
    App,
    ConfigurationError,
    HTTPException,
    ParamInfo,
    PluginError,
    PluginInfo,
    RequestContext,
    Resolver,
    RouteDefinitionError,
    RouteInfo,
    RouteOption,
    StashKey,
    __version__,
    hookimpl,
)
from pegboard_sessions.session import Session
from pegboard_sessions.settings import SessionSettings, secret_keys
from pegboard_stores import MemoryStore, Store, StoreUnavailable

__all__ = ["SessionsPlugin", "sessions"]

logger = logging.getLogger("pegboard.sessions")

_PLUGIN: StashKey[SessionsPlugin] = StashKey("pegboard_sessions")
_SESSION: StashKey[Session] = StashKey("pegboard_sessions.session")
_ID_LENGTH = 43  # secrets.token_urlsafe(32)
_UNAVAILABLE = "The session store is unavailable; try again shortly."


class SessionsPlugin:
    """Server-side sessions; create it with :func:`sessions`.

    :ivar settings: The cookie and expiry options.
    :ivar store: Where session data lives.
    """

    plugin_info = PluginInfo(
        name="sessions",
        version=__version__,
        route_options=(
            RouteOption(
                "session",
                "replace",
                "True: load the session (request.session) without a Session parameter.",
            ),
        ),
        description="Server-side sessions: a signed id in a cookie, the data in a store.",
    )

    def __init__(self, settings: SessionSettings, keys: Sequence[bytes], store: Store) -> None:
        self.settings = settings
        self.store = store
        self._signer = Signer(list(keys), salt="pegboard.sessions", digest_method=hashlib.sha256)

    def __repr__(self) -> str:
        return f"sessions(store={self.store!r})"

    @classmethod
    def of(cls, app: App) -> SessionsPlugin:
        """The sessions plugin enabled in ``app`` (for plugins that build on sessions)."""
        try:
            return app.stash[_PLUGIN]
        except KeyError:
            raise PluginError(
                "The sessions plugin is not enabled in this app. Add sessions(secret_key=...) "
                "to App(plugins=[...])."
            ) from None

    # -- build time --------------------------------------------------------------------

    @hookimpl
    def pegboard_configure(self, app: App) -> None:
        app.stash[_PLUGIN] = self

    @hookimpl
    def pegboard_shutdown(self, app: App) -> Awaitable[None]:
        # Stores may be shared by several plugins; closing one twice is allowed.
        return self.store.close()

    @hookimpl
    def pegboard_route_added(self, app: App, route: RouteInfo) -> None:
        value = route.option("session", None)
        if value is not None and not isinstance(value, bool):
            raise RouteDefinitionError(
                f"Route {route.label} has session={value!r}; it takes True (load the "
                "session for request.session) or False."
            )

    @hookimpl
    def pegboard_resolve_parameter(
        self, app: App, route: RouteInfo, param: ParamInfo
    ) -> Resolver | None:
        annotation = param.type
        if param.marker is not None or not inspect.isclass(annotation):
            return None
        if not issubclass(annotation, Session):
            return None
        return Resolver(self.load, is_async=True, label="session")

    @hookimpl
    def pegboard_route_guards(self, app: App, route: RouteInfo) -> Sequence[Resolver] | None:
        if route.option("session", None) is True:
            return [Resolver(self.load, is_async=True, label="session")]
        return None

    # -- per request -------------------------------------------------------------------

    async def load(self, ctx: RequestContext) -> Session:
        """The request's session, read from the store the first time it is asked for.

        Also set as ``request.session``. In HTTP requests, the session is saved when
        the handler returns; in WebSocket handlers it is read-only.
        """
        session = ctx.stash.get(_SESSION, None)
        if session is not None:
            return session
        raw = ctx.cookies.get(self.settings.cookie_name)
        http = ctx.scope["type"] == "http"
        session = await self._read(raw, read_only=not http)
        ctx.stash[_SESSION] = session
        ctx.scope["session"] = session
        if http:
            # The answer depends on the cookie: a shared cache must not serve it to others.
            ctx.response.headers.add_vary_header("Cookie")
            # Made now, so the cookie set at commit reaches whatever response is sent.
            commit = _Commit(self, session, ctx.response, had_cookie=raw is not None)
            ctx.function_exit_stack.push_async_exit(commit)
        return session

    def key(self, session_id: str) -> str:
        """The store key of a session id."""
        return self.settings.key_prefix + session_id

    def session_id(self, cookie: str) -> str | None:
        """The session id in a cookie value, or None if it is malformed or forged."""
        try:
            session_id = self._signer.unsign(cookie).decode("ascii")
        except (BadSignature, UnicodeError):
            return None
        return session_id if len(session_id) == _ID_LENGTH else None

    def sign(self, session_id: str) -> str:
        """The cookie value for a session id."""
        return self._signer.sign(session_id).decode("ascii")

    async def _read(self, cookie: str | None, *, read_only: bool) -> Session:
        now = time.time()
        session_id = self.session_id(cookie) if cookie else None
        if session_id is None:
            return Session(created=now, read_only=read_only)
        try:
            stored = await self.store.get(self.key(session_id))
        except StoreUnavailable:
            self._store_failed("read")
            return Session(created=now, read_only=read_only)
        decoded = _decode(stored) if stored is not None else None
        if decoded is None:
            return Session(created=now, read_only=read_only)
        data, created, written = decoded
        if self.settings.expiry == "absolute" and created + self.settings.max_age <= now:
            return Session(created=now, read_only=read_only)
        session = Session(data, id=session_id, stored=stored, created=created, read_only=read_only)
        session._written = written
        return session

    def _store_failed(self, what: str) -> None:
        if self.settings.on_store_error == "closed":
            raise HTTPException(503, _UNAVAILABLE)
        logger.warning("The session store failed to %s; carrying on without it", what)

    async def commit(self, session: Session, response: Response, had_cookie: bool) -> None:
        """Save the session and set (or expire) the cookie on ``response``."""
        settings, store = self.settings, self.store
        stored_id = session._stored_id
        try:
            if stored_id is not None and (stored_id != session.id or not session):
                await store.delete(self.key(stored_id))  # rotated, cleared or emptied
            if not session:
                if had_cookie:
                    self._expire_cookie(response)
                return
            now = time.time()
            sliding = settings.expiry == "sliding"
            ttl = settings.max_age
            if not sliding:
                ttl = session._created + settings.max_age - now
                if ttl <= 0:
                    self._expire_cookie(response)
                    return
            new_id = session.id != stored_id
            changed = new_id or _encode(session, session._written) != session._loaded
            # Sliding: renewed when the data changed or a tenth of max_age has passed
            # since the last write, not on every request (one write per request else).
            renew = sliding and now - session._written >= settings.max_age / 10
            if changed or renew:
                session._written = now
                await store.set(self.key(session.id), _encode(session, now), expires_in=ttl)
        except StoreUnavailable:
            self._store_failed("save")
            return
        if new_id or (sliding and (changed or renew)):
            response.set_cookie(
                settings.cookie_name,
                self.sign(session.id),
                max_age=math.ceil(ttl),
                path=settings.path,
                domain=settings.domain,
                secure=settings.secure,
                httponly=settings.httponly,
                samesite=settings.samesite,
            )

    def _expire_cookie(self, response: Response) -> None:
        settings = self.settings
        response.delete_cookie(
            settings.cookie_name,
            path=settings.path,
            domain=settings.domain,
            secure=settings.secure,
            httponly=settings.httponly,
            samesite=settings.samesite,
        )


class _Commit:
    """The function-scope exit that saves a session when the handler succeeded."""

    __slots__ = ("had_cookie", "plugin", "response", "session")

    def __init__(
        self, plugin: SessionsPlugin, session: Session, response: Response, had_cookie: bool
    ) -> None:
        self.plugin, self.session, self.response = plugin, session, response
        self.had_cookie = had_cookie

    async def __call__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        if exc_type is None:
            await self.plugin.commit(self.session, self.response, self.had_cookie)
        return False


def _encode(session: Session, written: float) -> bytes:
    try:
        text = json.dumps(
            {"c": session._created, "w": written, "d": session._data},
            separators=(",", ":"),
            ensure_ascii=False,
            allow_nan=False,
        )
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"Session values must be JSON-serialisable (str, int, float, bool, None, "
            f"lists and dicts of them): {exc}. Store an id or a string form instead."
        ) from exc
    return text.encode()


def _decode(stored: bytes) -> tuple[dict[str, Any], float, float] | None:
    """The data, creation and last-write times of a stored session, or None if unreadable."""
    try:
        value = json.loads(stored)
    except ValueError:
        return None
    if not isinstance(value, dict):
        return None
    data, created, written = value.get("d"), value.get("c"), value.get("w")
    if not isinstance(data, dict) or not isinstance(created, (int, float)):
        return None
    if not isinstance(written, (int, float)):
        written = created
    return data, float(created), float(written)


def sessions(
    secret_key: str | bytes | None = None,
    *,
    store: Store | None = None,
    cookie_name: str = "session",
    max_age: float = 14 * 24 * 3600,
    expiry: Literal["sliding", "absolute"] = "sliding",
    secure: bool = True,
    httponly: bool = True,
    samesite: Literal["lax", "strict", "none"] = "lax",
    path: str = "/",
    domain: str | None = None,
    on_store_error: Literal["open", "closed"] = "closed",
    old_secret_keys: Sequence[str | bytes] = (),
) -> SessionsPlugin:
    """The sessions plugin: ``App(plugins=[sessions(secret_key=...)])``.

    :param secret_key: Signs the session cookies: at least 32 random bytes. Without
        it, the ``PEGBOARD_SESSION_SECRET`` environment variable is read.
    :param store: A ``pegboard_stores`` store; a ``MemoryStore`` of this process by
        default. Use a ``RedisStore`` when several workers or machines serve the app.
    :param old_secret_keys: Earlier keys whose cookies are still accepted (key
        rotation); new cookies are always signed with ``secret_key``.

    The other parameters are those of :class:`SessionSettings`. Any bad value is a
    ``ConfigurationError`` here, when the app is defined.
    """
    settings = SessionSettings(
        cookie_name=cookie_name,
        max_age=max_age,
        expiry=expiry,
        secure=secure,
        httponly=httponly,
        samesite=samesite,
        path=path,
        domain=domain,
        on_store_error=on_store_error,
    )
    keys = secret_keys(secret_key, old_secret_keys)
    if store is None:
        store = MemoryStore()
    elif not isinstance(store, Store):
        raise ConfigurationError(
            f"sessions(store={store!r}) is not a store: pass a pegboard_stores store, "
            "MemoryStore() or RedisStore(url=...)."
        )
    return SessionsPlugin(settings, keys, store)
