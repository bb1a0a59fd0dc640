{%- set pkg = cookiecutter.package_name -%}
{%- set db = cookiecutter.database != "none" -%}
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

from {{ pkg }}.settings import PREFIX, Settings, SettingsError


def test_the_app_enables_exactly_its_plugins(app: App) -> None:
    assert app.plugins == {{ names|tojson }}


def test_every_route_compiles(app: App) -> None:
    app.build()  # unknown options and unfillable parameters fail here, not per request


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PREFIX + "ENVIRONMENT", "production")
    monkeypatch.setenv(PREFIX + "DEBUG", "yes")
{%- if db %}
    monkeypatch.setenv(PREFIX + "SECRET_KEY", "k" * 32)
    monkeypatch.setenv("DATABASE_URL", "postgres://app:secret@db.internal/app")
{%- endif %}
    settings = Settings.from_env()
    assert (settings.environment, settings.debug) == ("production", True)
{%- if db %}
    # Each database gets the async driver the app uses.
    assert settings.database_url == "postgresql+asyncpg://app:secret@db.internal/app"
{%- endif %}


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        (PREFIX + "DEBUG", "maybe"),
        (PREFIX + "ENVIRONMENT", "prod"),
{%- if db %}
        ("DATABASE_URL", "mysql://db/app"),
        ("DATABASE_URL", "not a url"),
        (PREFIX + "ACCESS_TOKEN_MINUTES", "0"),
{%- endif %}
    ],
)
def test_a_malformed_value_is_refused_by_name(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=f"{variable}={value!r}"):
        Settings.from_env()
{%- if db %}


def test_production_needs_a_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PREFIX + "ENVIRONMENT", "production")
    with pytest.raises(SettingsError, match=PREFIX + "SECRET_KEY must be set"):
        Settings.from_env()
    monkeypatch.setenv(PREFIX + "SECRET_KEY", "too-short")
    with pytest.raises(SettingsError, match="32 characters or more") as refused:
        Settings.from_env()
    assert "too-short" not in str(refused.value)  # a secret never goes to the logs
{%- endif %}
{%- if cookiecutter.openapi %}


def test_openapi_document(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert document["info"]["title"] == {{ cookiecutter.project_name|tojson }}
    assert {"/health", "/items", "/items/{item_id}"} <= set(document["paths"])
{%- if db %}
    assert {"/ready", "/auth/register", "/auth/token", "/users/me"} <= set(document["paths"])
    # Swagger UI's Authorize button logs in at the token route.
    scheme = document["components"]["securitySchemes"]["OAuth2PasswordBearer"]
    assert scheme["flows"]["password"]["tokenUrl"] == "auth/token"
{%- endif %}
{%- endif %}
{%- if cookiecutter.docs_ui %}


def test_docs_page(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
{%- endif %}
