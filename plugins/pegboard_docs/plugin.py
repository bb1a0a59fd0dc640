"""What the three docs plugins share: their settings, and the routes they add to an app."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import attrs
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from pegboard import App, PluginError, PluginInfo, hookimpl
from pegboard_docs.assets import (
    AssetFile,
    Assets,
    LocalAssets,
    PackageAssets,
    locate_assets,
    origin_of,
)
from pegboard_docs.csp import CSPOption, check_csp_option
from pegboard_docs.html import asset_url, check_json
from pegboard_docs.serving import AssetFiles
from pegboard_openapi import get_openapi, openapi_url

__all__ = ["DocsSettings", "DocsUIPlugin", "PageURLs"]


def _path(value: str | None) -> str | None:
    if value is not None and not value.startswith("/"):
        raise ValueError(f"URLs served by the app must start with '/', got {value!r}.")
    return value


def _document_url(value: str | None) -> str | None:
    if value is not None and not (value.startswith("/") or origin_of(value)):
        raise ValueError(f"openapi_url= must start with '/' or be absolute, got {value!r}.")
    return value


def _cdn_url(value: str) -> str:
    if origin_of(value) is None or not value.startswith(("https://", "http://")):
        raise ValueError(f"cdn_url= must be an absolute http(s) URL, got {value!r}.")
    return value.rstrip("/")


def _config(value: Mapping[str, Any]) -> dict[str, Any]:
    return check_json(value, "config")


@attrs.frozen
class DocsSettings:
    """What every docs plugin is given; see :func:`pegboard_docs.swagger_ui`.

    ``assets_url`` is where the app serves the UI's files; ``cdn`` loads them from
    ``cdn_url`` instead, and ``assets_dir`` serves them from a folder.
    """

    url: str | None = attrs.field(converter=_path)
    assets_url: str = attrs.field(converter=_path)
    cdn_url: str = attrs.field(converter=_cdn_url)
    title: str | None = None
    openapi_url: str | None = attrs.field(default=None, converter=_document_url)
    favicon_url: str | None = None
    assets_dir: str | os.PathLike[str] | None = None
    cdn: bool = False
    config: dict[str, Any] = attrs.field(factory=dict, converter=_config)
    csp: CSPOption = attrs.field(default=True, converter=check_csp_option)

    def __attrs_post_init__(self) -> None:
        if self.cdn and self.assets_dir is not None:
            raise ValueError(
                "cdn=True and assets_dir= both say where the files come from; pass one."
            )


@attrs.frozen
class PageURLs:
    """The URLs one page links to, already prefixed with the app's root path."""

    openapi_url: str
    assets_url: str
    assets_version: str | None
    favicon_url: str | None
    title: str


def _prefixed(root_path: str, url: str) -> str:
    return url if origin_of(url) else root_path + url


class DocsUIPlugin:
    """A docs UI: its page, its files, and where they come from.

    Subclasses name the UI's files and the packages that carry them, and render the
    page. Routes are plain Starlette routes, left out of the OpenAPI document; app-wide
    route options (an auth dependency, say) do not apply to them, as for the document
    itself. To protect the docs, serve the page yourself with the render functions.
    """

    plugin_info: ClassVar[PluginInfo]
    #: The UI's name for people ("Swagger UI") and its factory's name ("swagger_ui").
    label: ClassVar[str]
    factory: ClassVar[str]
    #: The UI's folder inside an ``assets_dir`` that holds several UIs.
    subfolder: ClassVar[str]
    files: ClassVar[tuple[AssetFile, ...]]
    packages: ClassVar[tuple[PackageAssets, ...]]
    #: The npm package ``pegboard docs-assets`` fetches the files from.
    npm_package: ClassVar[str]
    #: The file used as the page's icon when the source has it and no favicon_url is given.
    icon: ClassVar[str | None] = None

    def __init__(self, settings: DocsSettings) -> None:
        self.settings = settings

    def __repr__(self) -> str:
        return f"{type(self).__name__}(url={self.settings.url!r})"

    @hookimpl(trylast=True)  # after the OpenAPI plugin has configured the app
    def pegboard_configure(self, app: App) -> None:
        settings = self.settings
        document_url = settings.openapi_url or openapi_url(app)
        if document_url is None:
            raise PluginError(
                f"{self.factory}() shows the OpenAPI document, but openapi(openapi_url=None) "
                f"serves none. Serve it (openapi(openapi_url='/openapi.json')) or tell "
                f"{self.factory}(openapi_url=...) where it is."
            )
        assets = locate_assets(
            label=self.label,
            factory=self.factory,
            files=self.files,
            packages=self.packages,
            subfolder=self.subfolder,
            assets_dir=settings.assets_dir,
            cdn=settings.cdn,
            cdn_url=settings.cdn_url,
        )
        app.router.routes.extend(self.routes(app, document_url, assets))

    # -- routes --------------------------------------------------------------------

    def routes(self, app: App, document_url: str, assets: Assets) -> list[BaseRoute]:
        """The routes this UI adds: its files (unless from a CDN) and its page."""
        routes: list[BaseRoute] = []
        name = self.plugin_info.name
        if isinstance(assets, LocalAssets):
            routes.append(
                Route(
                    f"{self.settings.assets_url.rstrip('/')}/{{name}}",
                    AssetFiles(assets.files, assets.version).respond,
                    methods=["GET"],
                    name=f"{name}_assets",
                    include_in_schema=False,
                )
            )
        if self.settings.url is not None:
            routes.append(
                Route(
                    self.settings.url,
                    self._page_endpoint(app, document_url, assets),
                    methods=["GET"],
                    name=f"{name}_html",
                    include_in_schema=False,
                )
            )
        return routes

    def assets_base(self, root_path: str, assets: Assets) -> tuple[str, str | None]:
        """Where the page finds the files, and the version to add to their URLs."""
        if isinstance(assets, LocalAssets):
            return root_path + self.settings.assets_url.rstrip("/"), assets.version
        return assets.base_url, None

    def _page_endpoint(
        self, app: App, document_url: str, assets: Assets
    ) -> Callable[[Request], Any]:
        settings = self.settings
        titles: list[str] = []

        def title() -> str:
            if settings.title is not None:
                return settings.title
            if not titles:  # the document is cached by the OpenAPI plugin; read it once
                titles.append(f"{get_openapi(app)['info']['title']} - {self.label}")
            return titles[0]

        async def docs_page(request: Request) -> Response:
            root_path = request.scope.get("root_path", "").rstrip("/")
            base, version = self.assets_base(root_path, assets)
            favicon = settings.favicon_url
            if favicon is not None:
                favicon = _prefixed(root_path, favicon) if favicon.startswith("/") else favicon
            elif self.icon is not None and assets.has(self.icon):
                favicon = asset_url(base, self.icon, version)
            urls = PageURLs(
                openapi_url=_prefixed(root_path, document_url),
                assets_url=base,
                assets_version=version,
                favicon_url=favicon,
                title=title(),
            )
            return self.render(urls, root_path)

        return docs_page

    def render(self, urls: PageURLs, root_path: str) -> Response:
        """The page's response; each UI renders its own."""
        raise NotImplementedError
