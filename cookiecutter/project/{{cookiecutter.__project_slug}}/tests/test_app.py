{%- set pkg = cookiecutter.package_name -%}
{%- set names = [] -%}
{%- if cookiecutter.validation %}{% set names = names + ["validation"] %}{% endif -%}
{%- if cookiecutter.di %}{% set names = names + ["di"] %}{% endif -%}
{%- if cookiecutter.security %}{% set names = names + ["security"] %}{% endif -%}
{%- if cookiecutter.openapi %}{% set names = names + ["openapi"] %}{% endif -%}
{%- if cookiecutter.docs_ui %}{% set names = names + ["swagger"] %}{% endif -%}
import pytest
from pegboard import App
{%- if cookiecutter.openapi %}
from pegboard.testing import TestClient
{%- endif %}

from {{ pkg }}.settings import PREFIX, Settings


def test_the_app_enables_exactly_its_plugins(app: App) -> None:
    assert app.plugins == {{ names|tojson }}


def test_every_route_compiles(app: App) -> None:
    app.build()  # unknown options and unfillable parameters fail here, not per request


def test_settings_come_from_the_environment() -> None:
    settings = Settings.from_env({PREFIX + "ENVIRONMENT": "production", PREFIX + "DEBUG": "yes"})
    assert (settings.environment, settings.debug) == ("production", True)
    assert Settings.from_env({}) == Settings()


def test_a_misspelt_flag_is_refused() -> None:
    with pytest.raises(ValueError, match=PREFIX + "DEBUG"):
        Settings.from_env({PREFIX + "DEBUG": "maybe"})
{%- if cookiecutter.openapi %}


def test_openapi_document(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert document["info"]["title"] == {{ cookiecutter.project_name|tojson }}
    assert {"/health", "/items", "/items/{item_id}"} <= set(document["paths"])
{%- endif %}
{%- if cookiecutter.docs_ui %}


def test_docs_page(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
{%- endif %}
