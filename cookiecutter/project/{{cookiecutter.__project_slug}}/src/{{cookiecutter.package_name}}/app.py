{%- set pkg = cookiecutter.package_name -%}
"""The app factory: which plugins the app enables, its settings and its routes."""

from pegboard import App
{%- if cookiecutter.di %}
from pegboard_di import di
{%- endif %}
{%- if cookiecutter.docs_ui %}
from pegboard_docs import swagger_ui
{%- endif %}
{%- if cookiecutter.openapi %}
from pegboard_openapi import openapi
{%- endif %}
{%- if cookiecutter.security %}
from pegboard_security import security
{%- endif %}
{%- if cookiecutter.validation %}
from pegboard_validation import validation
{%- endif %}
{% if cookiecutter.openapi %}
from {{ pkg }} import __version__
{%- endif %}
from {{ pkg }}.routes import router
from {{ pkg }}.settings import Settings
{%- if cookiecutter.database == "none" %}
from {{ pkg }}.store import ItemStore
{%- endif %}


def create_app(settings: Settings | None = None) -> App:
    """Build the app; ``settings`` default to those read from the environment."""
    settings = Settings.from_env() if settings is None else settings
{%- set plugins = [] %}
{%- if cookiecutter.validation %}{% set plugins = plugins + ["validation()"] %}{% endif %}
{%- if cookiecutter.di %}{% set plugins = plugins + ["di()"] %}{% endif %}
{%- if cookiecutter.security %}{% set plugins = plugins + ["security()"] %}{% endif %}
{%- if cookiecutter.openapi %}{% set plugins = plugins + ["openapi(title=" ~ (cookiecutter.project_name|tojson) ~ ", version=__version__)"] %}{% endif %}
{%- if cookiecutter.docs_ui %}{% set plugins = plugins + ["swagger_ui()"] %}{% endif %}
{%- if plugins %}
    app = App(
        plugins=[
{%- for plugin in plugins %}
            {{ plugin }},
{%- endfor %}
        ],
        debug=settings.debug,
    )
{%- else %}
    # The core alone: routing, path parameters, JSON responses, the lifespan.
    # Add plugins here, e.g. App(plugins=[validation()]) with pegboard[validation].
    app = App(plugins=[], debug=settings.debug)
{%- endif %}
    app.state.settings = settings
{%- if cookiecutter.database == "none" %}
    app.state.items = ItemStore.with_examples()
{%- else %}
    # The database engine is an app-scoped dependency (dependencies.py): created when
    # the app starts, disposed when it stops.
{%- endif %}
    app.include_router(router)
    return app
