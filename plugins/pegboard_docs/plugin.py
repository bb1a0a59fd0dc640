"""The one docs plugin class, the description of a UI it serves, and their settings."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import attrs
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from pegboard import App, PluginError, PluginInfo, __version__, hookimpl
from pegboard_docs.assets import (
    AssetFile,
    Assets,
    CDNAssets,
    LocalAssets,
    PackageAssets,
    Pin,
    locate_assets,
    origin_of,
)
from pegboard_docs.csp import CSPOption, check_csp_option
from pegboard_docs.html import asset_url, check_json
from pegboard_docs.serving import AssetFiles
from pegboard_openapi import get_openapi, openapi_url

__all__ = ["DocsSettings", "DocsUI", "DocsUIFactory", "DocsUIPlugin"]


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


def _prefixed(root_path: str, url: str) -> str:
    return url if origin_of(url) else root_path + url


#: Renders a UI's page, as its ``*_html`` function does, from the keywords every page
#: takes (``openapi_url``, ``assets_url``, ``assets_version``, ``title``, ``favicon_url``,
#: ``config``, ``csp``, ``integrity``) and the UI's own.
Page = Callable[..., Response]
#: The UI's own keywords for its page: ``page_options(plugin, root_path)``.
PageOptions = Callable[["DocsUIPlugin", str], dict[str, Any]]
#: Checks a UI's own factory options and returns them, raising ValueError if wrong.
CheckOptions = Callable[[dict[str, Any]], dict[str, Any]]
#: Routes a UI adds beside its page and files: ``routes(plugin, assets)``.
ExtraRoutes = Callable[["DocsUIPlugin", Assets], list[BaseRoute]]

JSDELIVR = "https://cdn.jsdelivr.net/npm"


def _no_options(options: dict[str, Any]) -> dict[str, Any]:
    return options


@attrs.frozen
class DocsUI:
    """A docs UI described once: its names, its files, where they come from, its page.

    Every UI is served by the same :class:`DocsUIPlugin`; each ``*_page`` module holds
    one description and the function rendering its page.
    """

    #: The plugin's and the extra's name (``"swagger"``), and the factory's (``"swagger_ui"``).
    name: str
    factory: str
    #: The UI's name for people (``"Swagger UI"``) and the plugin's one-line description.
    label: str
    description: str
    #: The npm package the files come from, and its folder that holds them.
    npm: str
    npm_folder: str
    #: The files the pages load, as served (and as named in the npm folder).
    served: tuple[str, ...]
    #: The page's function, and the page's default URL (its files are under ``/assets``).
    page: Page
    path: str
    #: What ``config=`` holds, for the factory's docstring.
    config_doc: str = "the UI's options"
    page_options: PageOptions | None = None
    #: Served files a folder may lack; the file used as the page's icon.
    optional: tuple[str, ...] = ()
    icon: str | None = None
    #: The npm package's files kept beside the served ones: licence and metadata.
    legal: tuple[str, ...] = ("LICENSE", "package.json")
    check_options: CheckOptions = _no_options
    #: Checks ``config=`` beyond "JSON values only", raising ValueError if wrong.
    check_config: CheckOptions = _no_options
    extra_routes: ExtraRoutes | None = None
    #: The UI's folder inside an ``assets_dir`` that holds several UIs.
    subfolder: str = attrs.field(default=attrs.Factory(lambda ui: ui.name, takes_self=True))

    @property
    def files(self) -> tuple[AssetFile, ...]:
        return tuple(
            AssetFile(
                name,
                (name, f"{self.npm_folder}/{name}") if self.npm_folder else (name,),
                required=name not in self.optional,
            )
            for name in self.served
        )

    @property
    def pin(self) -> Pin:
        from pegboard_docs.pins import PINS

        return PINS[self.name]

    @property
    def package(self) -> PackageAssets:
        """The asset distribution of the UI's extra, built from ``assets/<name>/``."""
        pin = self.pin
        return PackageAssets(
            module=f"pegboard_assets_{self.name}",
            requirement=f"pegboard-assets-{self.name}=={pin.version}",
            integrity=pin.files,
        )

    @property
    def npm_spec(self) -> str:
        return f"{self.npm}@{self.pin.version}"

    @property
    def cdn_url(self) -> str:
        """The pinned version's folder on jsDelivr, the default for ``cdn=True``."""
        return "/".join(filter(None, (JSDELIVR, self.npm_spec, self.npm_folder)))

    def make_factory(self) -> DocsUIFactory:
        """The UI's factory (``redoc``, ``scalar``, ...): its options, its defaults, its docs."""
        ui = self

        def factory(
            *,
            url: str | None = ui.path,
            title: str | None = None,
            openapi_url: str | None = None,
            favicon_url: str | None = None,
            config: Mapping[str, Any] | None = None,
            assets_url: str = f"{ui.path}/assets",
            assets_dir: str | os.PathLike[str] | None = None,
            cdn: bool = False,
            cdn_url: str = ui.cdn_url,
            csp: CSPOption = True,
        ) -> DocsUIPlugin:
            return ui.plugin(
                url=url,
                title=title,
                openapi_url=openapi_url,
                favicon_url=favicon_url,
                config=config,
                assets_url=assets_url,
                assets_dir=assets_dir,
                cdn=cdn,
                cdn_url=cdn_url,
                csp=csp,
            )

        factory.__name__ = factory.__qualname__ = ui.factory
        factory.__module__ = "pegboard_docs"
        factory.__doc__ = (
            f"The {ui.label} plugin: ``App(plugins=[openapi(), {ui.factory}()])``; needs "
            f"``openapi``.\n\n``config`` holds {ui.config_doc}. Every other option is as for "
            ":func:`~pegboard_docs.swagger_ui`; the page is at ``url``, its files at "
            "``assets_url``, and ``cdn_url`` is the pinned version on jsDelivr."
        )
        return factory

    def plugin(self, **options: Any) -> DocsUIPlugin:
        """The plugin for these factory options; a mistake is a PluginError naming the factory."""
        settings = {k: options.pop(k) for k in attrs.fields_dict(DocsSettings) if k in options}
        try:
            settings["config"] = self.check_config(dict(_config(settings.get("config") or {})))
            checked = self.check_options(options)
            return DocsUIPlugin(self, DocsSettings(**settings), checked)
        except ValueError as exc:
            raise PluginError(f"{self.factory}(): {exc}") from None


class DocsUIFactory(Protocol):
    """The signature of a docs UI's factory; ``swagger_ui`` takes two options more."""

    __name__: str

    def __call__(
        self,
        *,
        url: str | None = ...,
        title: str | None = ...,
        openapi_url: str | None = ...,
        favicon_url: str | None = ...,
        config: Mapping[str, Any] | None = ...,
        assets_url: str = ...,
        assets_dir: str | os.PathLike[str] | None = ...,
        cdn: bool = ...,
        cdn_url: str = ...,
        csp: CSPOption = ...,
    ) -> DocsUIPlugin: ...


class DocsUIPlugin:
    """A docs UI: its page, its files, and where they come from.

    One class for every UI; the :class:`DocsUI` description says what differs. Routes
    are plain Starlette routes, left out of the OpenAPI document; app-wide route options
    (an auth dependency, say) do not apply to them, as for the document itself. To
    protect the docs, serve the page yourself with the render functions.
    """

    def __init__(
        self, ui: DocsUI, settings: DocsSettings, options: Mapping[str, Any] | None = None
    ) -> None:
        self.ui = ui
        self.settings = settings
        self.options = dict(options or {})
        self.plugin_info = PluginInfo(
            name=ui.name, version=__version__, requires=("openapi",), description=ui.description
        )

    def __repr__(self) -> str:
        return f"{self.ui.factory}(url={self.settings.url!r})"

    @hookimpl(trylast=True)  # after the OpenAPI plugin has configured the app
    def pegboard_configure(self, app: App) -> None:
        settings, ui = self.settings, self.ui
        document_url = settings.openapi_url or openapi_url(app)
        if document_url is None:
            raise PluginError(
                f"{ui.factory}() shows the OpenAPI document, but openapi(openapi_url=None) "
                f"serves none. Serve it (openapi(openapi_url='/openapi.json')) or tell "
                f"{ui.factory}(openapi_url=...) where it is."
            )
        assets = locate_assets(
            label=ui.label,
            factory=ui.factory,
            extra=ui.name,
            files=ui.files,
            package=ui.package,
            subfolder=ui.subfolder,
            assets_dir=settings.assets_dir,
            cdn=settings.cdn,
            cdn_url=settings.cdn_url,
        )
        if isinstance(assets, CDNAssets) and assets.base_url == ui.cdn_url:
            assets = attrs.evolve(assets, integrity=ui.pin.files)
        app.router.routes.extend(self.routes(app, document_url, assets))

    # -- routes --------------------------------------------------------------------

    def routes(self, app: App, document_url: str, assets: Assets) -> list[BaseRoute]:
        """The routes this UI adds: its files (unless from a CDN), its page, its extras."""
        routes: list[BaseRoute] = []
        name = self.ui.name
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
        if self.ui.extra_routes is not None:
            routes.extend(self.ui.extra_routes(self, assets))
        return routes

    def assets_base(self, root_path: str, assets: Assets) -> tuple[str, str | None]:
        """Where the page finds the files, and the version to add to their URLs."""
        if isinstance(assets, LocalAssets):
            return root_path + self.settings.assets_url.rstrip("/"), assets.version
        return assets.base_url, None

    def _page_endpoint(
        self, app: App, document_url: str, assets: Assets
    ) -> Callable[[Request], Any]:
        settings, ui = self.settings, self.ui
        titles: list[str] = []

        def title() -> str:
            if settings.title is not None:
                return settings.title
            if not titles:  # the document is cached by the OpenAPI plugin; read it once
                titles.append(f"{get_openapi(app)['info']['title']} - {ui.label}")
            return titles[0]

        async def docs_page(request: Request) -> Response:
            root_path = request.scope.get("root_path", "").rstrip("/")
            base, version = self.assets_base(root_path, assets)
            favicon = settings.favicon_url
            if favicon is not None:
                favicon = _prefixed(root_path, favicon) if favicon.startswith("/") else favicon
            elif ui.icon is not None and assets.has(ui.icon):
                favicon = asset_url(base, ui.icon, version)
            extra = ui.page_options(self, root_path) if ui.page_options else {}
            return ui.page(
                openapi_url=_prefixed(root_path, document_url),
                assets_url=base,
                assets_version=version,
                title=title(),
                favicon_url=favicon,
                config=settings.config,
                csp=settings.csp,
                integrity=assets.integrity,
                **extra,
            )

        return docs_page
