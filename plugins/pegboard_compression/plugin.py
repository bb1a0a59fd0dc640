"""The compression plugin: the ``compress=`` route option and the middleware it adds.

Everything is decided while the app is built: which routes compress (all HTTP routes
unless ``compress=False``), with which codecs, from what size. A route that opts out
gets no middleware at all, so it pays nothing per request.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from pegboard import (
    App,
    ConfigurationError,
    Middleware,
    PluginInfo,
    RouteDefinitionError,
    RouteInfo,
    RouteOption,
    __version__,
    hookimpl,
)
from pegboard_compression.codecs import KNOWN, Codec, available, codec
from pegboard_compression.middleware import CompressionMiddleware
from pegboard_compression.negotiation import Negotiator
from pegboard_compression.policy import Compress

__all__ = ["CompressionPlugin", "compression"]

_DEFAULT = Compress()


class CompressionPlugin:
    """gzip, brotli and zstd responses, negotiated per request; see :func:`compression`."""

    plugin_info = PluginInfo(
        name="compression",
        version=__version__,
        route_options=(
            RouteOption(
                "compress",
                "replace",
                "True (default), False to opt out, or Compress(minimum_size=, streams=, ...).",
            ),
        ),
        description="gzip, brotli and zstd responses negotiated from Accept-Encoding.",
    )

    def __init__(
        self,
        *,
        encodings: Sequence[str] | None = None,
        minimum_size: int = 500,
        levels: Mapping[str, int] | None = None,
        content_types: Collection[str] = (),
    ) -> None:
        if encodings is None:
            encodings = available()
        elif isinstance(encodings, str) or not encodings:
            raise ConfigurationError(
                f"compression(encodings={encodings!r}): give a non-empty list of codings, "
                f"best first, from {list(KNOWN)}; or leave it out for every installed one."
            )
        levels = dict(levels or {})
        for name in levels:
            if name not in encodings:
                raise ConfigurationError(
                    f"compression(levels=...) names {name!r}, which is not among the "
                    f"encodings {list(encodings)}."
                )
        self.codecs: dict[str, Codec] = {name: codec(name, levels.get(name)) for name in encodings}
        Compress(minimum_size=minimum_size)  # the same check as a route's
        self.minimum_size = minimum_size
        self.content_types = frozenset(t.lower() for t in content_types)
        self._negotiators: dict[tuple[str, ...], Negotiator] = {}

    def __repr__(self) -> str:
        return f"compression(encodings={list(self.codecs)!r})"

    def _policy(self, route: RouteInfo) -> Compress | None:
        """The route's policy, None when it opts out; a bad value is a startup error."""
        value = route.option("compress", True)
        if value is True:
            return _DEFAULT
        if value is False:
            return None
        if not isinstance(value, Compress):
            raise RouteDefinitionError(
                f"Route {route.label} has compress={value!r}; it takes True, False, "
                "or Compress(minimum_size=..., streams=..., encodings=[...])."
            )
        for name in value.encodings or ():
            if name not in self.codecs:
                raise RouteDefinitionError(
                    f"Route {route.label} asks for the coding {name!r} in "
                    f"Compress(encodings=...), which compression() does not offer "
                    f"(it offers {list(self.codecs)}). Add it to compression(encodings=...)."
                )
        return value

    @hookimpl
    def pegboard_route_added(self, app: App, route: RouteInfo) -> None:
        if route.kind == "http":
            self._policy(route)

    @hookimpl
    def pegboard_route_middleware(self, app: App, route: RouteInfo) -> Sequence[Middleware]:
        policy = self._policy(route) if route.kind == "http" else None
        if policy is None:
            return ()
        names = policy.encodings or tuple(self.codecs)
        negotiator = self._negotiators.get(names)
        if negotiator is None:
            negotiator = self._negotiators[names] = Negotiator(names)
        minimum = self.minimum_size if policy.minimum_size is None else policy.minimum_size
        return [
            Middleware(
                CompressionMiddleware,
                codecs={name: self.codecs[name] for name in names},
                negotiator=negotiator,
                minimum_size=minimum,
                streams=policy.streams,
                content_types=self.content_types,
            )
        ]


def compression(
    *,
    encodings: Sequence[str] | None = None,
    minimum_size: int = 500,
    levels: Mapping[str, int] | None = None,
    content_types: Collection[str] = (),
) -> CompressionPlugin:
    """The compression plugin: ``App(plugins=[compression()])``.

    Every HTTP route compresses its responses unless it says ``compress=False``.

    :param encodings: The codings offered, best first, among ``"zstd"``, ``"br"`` and
        ``"gzip"``; by default every one whose library is installed, in that order.
        Naming one whose library is missing is an error that says which extra to install.
    :param minimum_size: Bodies smaller than this many bytes go out uncompressed.
    :param levels: Compression levels by coding (defaults: zstd 3, brotli 4, gzip 6).
    :param content_types: Media types to compress besides text, JSON, XML,
        JavaScript and SVG (``"application/vnd.mine"``).
    """
    return CompressionPlugin(
        encodings=encodings,
        minimum_size=minimum_size,
        levels=levels,
        content_types=content_types,
    )
