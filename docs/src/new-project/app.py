"""The app factory: which plugins the app enables, its settings and its routes."""

from pegboard import App
from pegboard_di import di
from pegboard_docs import swagger_ui
from pegboard_openapi import openapi
from pegboard_security import security
from pegboard_validation import validation

from shop import __version__
from shop.routes import router
from shop.settings import Settings


def create_app(settings: Settings | None = None) -> App:
    """Build the app; ``settings`` default to those read from the environment."""
    settings = Settings.from_env() if settings is None else settings
    app = App(
        plugins=[
            validation(),
            di(),
            security(),
            openapi(title="Shop", version=__version__),
            swagger_ui(),
        ],
        debug=settings.debug,
    )
    app.state.settings = settings
    # The database engine is an app-scoped dependency (dependencies.py): created when
    # the app starts, disposed when it stops.
    app.include_router(router)
    return app
