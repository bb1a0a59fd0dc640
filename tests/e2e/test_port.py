"""``pegboard port`` on hand-written FastAPI code: what it changes, keeps and refuses."""

from __future__ import annotations

import types
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

pytest.importorskip("libcst")
pytest.importorskip("pegboard_validation")

from pegboard.cli import cli
from pegboard.porting import port_project, port_source

FASTAPI_STYLE = '''"""A FastAPI-style module."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Query
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel


class Item(BaseModel):
    name: str


def token(x_token: str | None = None):
    return x_token


app = FastAPI(title="Shop", docs_url=None, dependencies=[Depends(token)])


@app.get("/items/{item_id}")
def read(item_id: int, q: Annotated[str | None, Query(max_length=3)] = None):
    if item_id == 0:
        raise HTTPException(status_code=404, detail="no such item")
    return {"item_id": item_id, "q": q}


@app.post("/items", status_code=201)
def create(item: Item):
    return item


@app.get("/ping", response_class=PlainTextResponse)
def ping():
    return "pong"
'''


def load(source: str) -> types.ModuleType:
    module = types.ModuleType("ported")
    exec(compile(port_source(source), "ported.py", "exec"), module.__dict__)
    return module


def test_a_ported_module_imports_no_fastapi_and_serves_the_same_answers():
    ported = port_source(FASTAPI_STYLE)
    assert "fastapi" not in ported.replace("FastAPI-style", "").replace("fastapi_compatible", "")
    with TestClient(load(FASTAPI_STYLE).app) as client:
        assert client.get("/items/3", params={"q": "ab"}).json() == {"item_id": 3, "q": "ab"}
        assert client.get("/items/3", params={"q": "abcd"}).status_code == 422
        assert client.get("/items/0").json() == {"detail": "no such item"}
        created = client.post("/items", json={"name": "pen"})
        assert (created.status_code, created.json()) == (201, {"name": "pen"})
        assert client.get("/ping").text == "pong"
        document = client.get("/openapi.json").json()
        # title= moved into openapi(); docs_url=None left Swagger UI out; ReDoc stays.
        assert document["info"] == {"title": "Shop", "version": "0.1.0"}
        assert client.get("/docs").status_code == 404
        assert client.get("/redoc").status_code == 200


def test_the_app_call_moves_each_option_into_its_plugin():
    ported = port_source(FASTAPI_STYLE)
    assert (
        'app = App(\n    plugins=[\n        validation(wrong_content_type="validate"),\n'
        '        di(),\n        openapi(title="Shop", fastapi_compatible=True),\n'
        "        redoc(),\n    ],\n    dependencies=[Depends(token)],\n"
        "    json_server_errors=False,\n)\n"
    ) in ported
    assert "from pegboard import App, HTTPException\n" in ported
    assert "from pegboard import PlainTextResponse\n" in ported
    assert "from pegboard_validation import Query, validation\n" in ported


def test_only_the_plugins_the_code_uses_are_enabled():
    ported = port_source(
        "from fastapi import FastAPI\napp = FastAPI()\n\n"
        "@app.get('/items/{item_id}')\ndef read(item_id):\n    return item_id\n"
    )
    assert (
        'App(\n    plugins=[\n        openapi(title="FastAPI", fastapi_compatible=True),\n'
        "        swagger_ui(),\n        redoc(),\n    ],\n    json_server_errors=False,\n)"
    ) in ported
    assert "validation" not in ported
    assert "di()" not in ported
    with TestClient(load("from fastapi import FastAPI\napp = FastAPI()\n").app) as client:
        assert client.get("/openapi.json").json()["info"] == {
            "title": "FastAPI",
            "version": "0.1.0",
        }


def test_a_plugin_factory_never_shadows_a_name_of_the_module():
    source = (
        "from fastapi import Depends, FastAPI\nfrom fastapi.security import HTTPBasic\n\n"
        "security = HTTPBasic()\napp = FastAPI(openapi_url=None)\n"
    )
    ported = port_source(source)
    assert "from pegboard_security import security as security_plugin\n" in ported
    assert "security = HTTPBasic()\n" in ported
    # openapi_url=None: no document, so no docs pages either, as in FastAPI.
    assert (
        "App(plugins=[di(), security_plugin(fastapi_compatible=True)], json_server_errors=False)"
    ) in ported
    with TestClient(load(source).app) as client:
        assert client.get("/openapi.json").status_code == 404
        assert client.get("/docs").status_code == 404


def test_renamed_names_are_renamed_where_used_unless_the_new_name_is_taken():
    source = (
        "from fastapi import APIRouter, FastAPI\n\n"
        "router = APIRouter(prefix='/x')\n\ndef make() -> FastAPI:\n    return FastAPI()\n"
    )
    ported = port_source(source)
    assert "router = Router(prefix='/x')" in ported
    assert "def make() -> App:" in ported
    clash = "from fastapi import APIRouter\n\nRouter = 1\nrouter = APIRouter()\n"
    assert port_source(clash) == (
        "from pegboard import Router as APIRouter\n\nRouter = 1\nrouter = APIRouter()\n"
    )
    aliased = "from fastapi import APIRouter as R\nrouter = R()\n"
    assert port_source(aliased) == "from pegboard import Router as R\nrouter = R()\n"


def test_formatting_and_comments_outside_the_ported_constructs_are_kept():
    source = (
        "# a comment at the top\n"
        "from fastapi import FastAPI  # the framework\n\n\n"
        "app = FastAPI( )\n"
        "x = [1,2,   3]  # odd spacing stays\n"
        "def   f( a ):\n"
        "    # inside\n"
        "    return a\n"
    )
    ported = port_source(source)
    assert ported.startswith("# a comment at the top\nfrom pegboard import App  # the framework\n")
    assert '\n\n\napp = App(\n    plugins=[\n        openapi(title="FastAPI", ' in ported
    assert ported.endswith(
        "x = [1,2,   3]  # odd spacing stays\ndef   f( a ):\n    # inside\n    return a\n"
    )


def test_indented_imports_keep_their_block():
    source = (
        "def make():\n    from fastapi import FastAPI, Request\n    return FastAPI(), Request\n"
    )
    app, request = load(source).make()
    assert request.__module__.startswith("pegboard")
    assert type(app).__name__ == "App"


ROUTE_CLASSES = """
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.routing import APIRoute


class Tagged(APIRoute):
    def get_route_handler(self):
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            response = await original(request)
            response.headers["x-route"] = self.name
            return response

        return handler


app = FastAPI()
app.router.route_class = Tagged
router = APIRouter(route_class=Tagged)


@app.get("/")
def home():
    return "home"


@router.get("/items")
def items():
    return []


app.include_router(router)
"""


def test_route_classes_become_route_wrappers():
    ported = port_source(ROUTE_CLASSES)
    assert "class Tagged(RouteWrapper):" in ported
    assert 'app.router.route_options["route_wrappers"] = [Tagged]\n' in ported
    assert "router = Router(route_wrappers=[Tagged])\n" in ported
    with TestClient(load(ROUTE_CLASSES).app) as client:
        assert client.get("/").headers["x-route"] == "home"
        assert client.get("/items").headers["x-route"] == "items"


def test_an_api_route_that_is_not_subclassed_is_pegboards_route():
    source = (
        "from fastapi import FastAPI\nfrom fastapi.routing import APIRoute\n\n\n"
        "def route_id(route: APIRoute) -> str:\n    return f'{route.tags[0]}-{route.name}'\n\n\n"
        "app = FastAPI(generate_unique_id_function=route_id)\n\n\n"
        "@app.get('/items', tags=['items'])\ndef read():\n    return []\n"
    )
    ported = port_source(source)
    assert "def route_id(route: RouteInfo) -> str:" in ported
    with TestClient(load(source).app) as client:
        operations = client.get("/openapi.json").json()["paths"]
    assert operations["/items"]["get"]["operationId"] == "items-read"


WEBHOOKS_AND_CALLBACKS = """\
from fastapi import APIRouter, FastAPI
from pydantic import BaseModel


class Event(BaseModel):
    id: str


# The app.
app = FastAPI()
events = APIRouter()


@events.post("{$callback_url}/events/{$request.body.id}")
def event_sent(body: Event):
    pass


@app.webhooks.post("new-event")
def new_event(body: Event):
    \"\"\"Sent for each new event.\"\"\"


@app.post("/events/", callbacks=events.routes)
def create(event: Event):
    return {"id": event.id}
"""


def test_app_webhooks_and_callback_routers_become_documented_routers() -> None:
    ported = port_source(WEBHOOKS_AND_CALLBACKS)
    assert "from pegboard import App\n" in ported  # Router is no longer used
    assert "from pegboard_openapi import DocumentedRouter, openapi\n" in ported
    assert "# The app.\nwebhooks = DocumentedRouter()\napp = App(" in ported
    assert "webhooks=webhooks" in ported
    assert '@webhooks.post("new-event")' in ported
    assert "events = DocumentedRouter()\n" in ported
    assert "callbacks=events.routes" in ported
    with TestClient(load(WEBHOOKS_AND_CALLBACKS).app) as client:
        assert client.post("/events/", json={"id": "a"}).json() == {"id": "a"}
        assert client.post("/new-event", json={"id": "a"}).status_code == 404
        document = client.get("/openapi.json").json()
    webhook = document["webhooks"]["new-event"]["post"]
    assert webhook["description"] == "Sent for each new event."
    assert webhook["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Event"
    }
    callbacks = document["paths"]["/events/"]["post"]["callbacks"]
    assert list(callbacks["event_sent"]) == ["{$callback_url}/events/{$request.body.id}"]


def test_webhooks_get_another_name_when_the_module_uses_webhooks() -> None:
    source = (
        "from fastapi import FastAPI\n\nwebhooks = []\napp = FastAPI()\n\n\n"
        "@app.webhooks.post('ping')\ndef ping():\n    pass\n"
    )
    ported = port_source(source)
    assert "app_webhooks = DocumentedRouter()\n" in ported
    assert "@app_webhooks.post('ping')" in ported
    assert "webhooks=app_webhooks" in ported


@pytest.mark.parametrize(
    "source",
    [
        FASTAPI_STYLE,
        ROUTE_CLASSES,
        WEBHOOKS_AND_CALLBACKS,
        "from fastapi.routing import APIRoute\nfrom fastapi import FastAPI\napp = FastAPI()\n",
        "import fastapi\n",
    ],
)
def test_porting_a_ported_module_changes_nothing(source: str):
    once = port_source(source)
    assert port_source(once) == once


def project_of(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return tmp_path


REFUSALS = {
    "main.py": (
        "from fastapi import FastAPI\n"
        "from fastapi.routing import APIRoute, APIWebSocketRoute\n"
        "import fastapi.responses\n"
        "\n"
        "app = FastAPI(openapi_prefix='/api')\n"
        "\n"
        "app.openapi_schema = None\n"
        "def bye():\n"
        "    pass\n"
    ),
}


def test_each_construct_that_cannot_be_ported_is_reported_with_its_line_and_the_way(
    tmp_path: Path,
):
    project = port_project([project_of(tmp_path, REFUSALS)])
    notes = [note.format("main.py") for file in project.files for note in file.notes]
    assert notes == [
        "main.py:2: cannot port fastapi.routing.APIWebSocketRoute: pegboard has no "
        "equivalent; see docs/fastapi.md for what to write instead",
        "main.py:3: cannot port import fastapi.responses: import the names you use with "
        "'from fastapi import ...', which is ported",
        "main.py:5: cannot port openapi_prefix=: use root_path= on the App",
        "main.py:7: cannot port .openapi_schema: the document is built by the openapi "
        "plugin: change it with openapi(...) options or the pegboard_openapi hooks "
        "(see docs/plugins/openapi.md)",
    ]
    # What has an answer is ported; what has none is left as written.
    new = project.files[0].new
    assert "from pegboard import App\n" in new
    assert "from fastapi.routing import APIWebSocketRoute\n" in new


def test_the_plugins_are_those_the_whole_project_uses(tmp_path: Path):
    project = port_project(
        [
            project_of(
                tmp_path,
                {
                    "main.py": "from fastapi import FastAPI\nfrom items import router\n"
                    "app = FastAPI()\napp.include_router(router)\n",
                    "items.py": "from fastapi import APIRouter, Depends\nrouter = APIRouter()\n",
                },
            )
        ]
    )
    main = next(file for file in project.files if file.path.name == "main.py")
    assert "    plugins=[\n        di(),\n        openapi(" in main.new


def test_the_command_ports_in_place_shows_a_diff_and_checks(tmp_path: Path):
    main = tmp_path / "main.py"
    main.write_text(FASTAPI_STYLE)
    runner = CliRunner()

    diff = runner.invoke(cli, ["port", "--diff", str(tmp_path)])
    assert diff.exit_code == 0, diff.output
    assert "-from fastapi import Depends, FastAPI, HTTPException, Query\n" in diff.output
    assert "+from pegboard_di import Depends, di\n" in diff.output
    assert main.read_text() == FASTAPI_STYLE  # --diff changes nothing

    check = runner.invoke(cli, ["port", "--check", str(tmp_path)])
    assert (check.exit_code, main.read_text()) == (1, FASTAPI_STYLE)
    assert f"would port {main}" in check.output

    done = runner.invoke(cli, ["port", str(tmp_path)])
    assert done.exit_code == 0, done.output
    assert main.read_text() == port_source(FASTAPI_STYLE)
    assert "1 file(s) ported; plugins enabled: di, openapi, redoc, swagger_ui, validation." in (
        done.output
    )

    again = runner.invoke(cli, ["port", "--check", str(tmp_path)])
    assert again.exit_code == 0, again.output


def test_check_fails_on_a_construct_that_cannot_be_ported(tmp_path: Path):
    project_of(tmp_path, REFUSALS)
    CliRunner().invoke(cli, ["port", str(tmp_path)])
    check = CliRunner().invoke(cli, ["port", "--check", str(tmp_path)])
    assert check.exit_code == 1
    assert "would port" not in check.output  # nothing left to change, but refusals remain
    assert "cannot port fastapi.routing.APIWebSocketRoute" in check.output


SECURED = """
from typing import Annotated

from fastapi import Body, Depends, FastAPI
from fastapi.security import OAuth2PasswordBearer
from pydantic import BaseModel

oauth2 = OAuth2PasswordBearer(tokenUrl="token")
app = FastAPI()


class Item(BaseModel):
    name: str
    note: str | None = None


@app.get("/users/{user_id}")
def read_user(user_id, token: Annotated[str, Depends(oauth2)]):
    return {"user_id": user_id}


@app.get("/items")
def list_items() -> list[Item]:
    return []


@app.post("/numbers")
def add(numbers: Annotated[list[int], Body(examples=[[1, 2]])]):
    return sum(numbers)


@app.post("/items")
def create(item: Annotated[Item | None, Body()] = None):
    return item
"""


def test_a_ported_app_documents_itself_exactly_as_fastapi_did():
    from fastapi.testclient import TestClient as FastAPIClient
    from openapi_spec_validator import validate

    original = types.ModuleType("original")
    exec(compile(SECURED, "original.py", "exec"), original.__dict__)
    expected = FastAPIClient(original.app).get("/openapi.json").json()
    with TestClient(load(SECURED).app) as client:
        document = client.get("/openapi.json").json()
    validate(document)
    assert document == expected
    # The same app ported without the compatibility setting keeps pegboard's choices.
    plain = types.ModuleType("plain")
    exec(compile(port_source(SECURED, compatible=False), "plain.py", "exec"), plain.__dict__)
    with TestClient(plain.app) as client:
        own = client.get("/openapi.json").json()
    read_user = own["paths"]["/users/{user_id}"]["get"]
    assert read_user["parameters"][0]["schema"] == {"type": "string", "title": "User Id"}
    assert set(read_user["responses"]) == {"200", "401"}  # nothing validated: no 422


DIFFERENCES = """
from typing import Annotated

from fastapi import Depends, FastAPI, Form
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from pydantic import BaseModel

basic = HTTPBasic()
app = FastAPI()


class Item(BaseModel):
    name: str


@app.post("/items")
def create(item: Item):
    return item


@app.post("/login")
def login(username: Annotated[str, Form()]):
    return username


@app.get("/me")
def me(credentials: Annotated[HTTPBasicCredentials, Depends(basic)]):
    return credentials.username


@app.get("/boom")
def boom():
    raise RuntimeError("boom")
"""


def _answers(app: object) -> list[tuple[int, str, str | None]]:
    with TestClient(app, raise_server_exceptions=False) as client:  # type: ignore[arg-type]
        responses = [
            client.post("/items", content='{"name": "a"}', headers={"content-type": "text/plain"}),
            client.post("/login", json={"username": "a"}),
            client.get("/me"),
            client.get("/boom"),
        ]
    return [(r.status_code, r.text, r.headers.get("www-authenticate")) for r in responses]


def test_the_compatibility_settings_answer_as_fastapi_where_pegboard_chose_otherwise():
    pytest.importorskip("fastapi")
    original = types.ModuleType("original")
    exec(compile(DIFFERENCES, "original.py", "exec"), original.__dict__)
    assert _answers(load(DIFFERENCES).app) == _answers(original.app)
    # Without them, pegboard's own answers: 415s, a charset, a JSON 500.
    plain = types.ModuleType("plain")
    exec(compile(port_source(DIFFERENCES, compatible=False), "plain.py", "exec"), plain.__dict__)
    own = _answers(plain.app)
    assert [status for status, _, _ in own] == [415, 415, 401, 500]
    assert own[2][2] == 'Basic charset="UTF-8"'
    assert own[3][1] == '{"detail":"Internal Server Error"}'


def test_deprecated_startup_handlers_are_kept_and_run():
    source = (
        "from fastapi import FastAPI\n\nitems = {}\napp = FastAPI()\n\n\n"
        "@app.on_event('startup')\nasync def fill():\n    items['a'] = 1\n\n\n"
        "@app.get('/items')\nasync def read():\n    return items\n"
    )
    assert "@app.on_event('startup')" in port_source(source)
    with pytest.warns(DeprecationWarning, match="lifespan="):
        app = load(source).app
    with TestClient(app) as client:
        assert client.get("/items").json() == {"a": 1}


DOCS_PAGES = """
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html

app = FastAPI(title="Shop", docs_url=None, redoc_url=None)


@app.get("/docs", include_in_schema=False)
async def docs():
    return get_swagger_ui_html(
        openapi_url=app.openapi_url,
        title=app.title + " - Swagger UI",
        oauth2_redirect_url=app.swagger_ui_oauth2_redirect_url,
        swagger_js_url="https://unpkg.com/swagger-ui-dist@5/swagger-ui-bundle.js",
        swagger_css_url="https://unpkg.com/swagger-ui-dist@5/swagger-ui.css",
    )


@app.get("/redoc", include_in_schema=False)
async def redoc():
    return get_redoc_html(openapi_url=app.openapi_url, title=app.title, with_google_fonts=False)
"""


def test_the_apps_settings_and_fastapis_docs_page_functions_are_ported():
    ported = port_source(DOCS_PAGES)
    # app.title and the like: what FastAPI(...) was given, or FastAPI's default.
    assert 'title="Shop" + " - Swagger UI",' in ported
    assert 'oauth2_redirect_url="/docs/oauth2-redirect",' in ported
    # The files' folder is where pegboard's page finds them.
    assert 'assets_url="https://unpkg.com/swagger-ui-dist@5",\n' in ported
    assert "with_google_fonts" not in ported
    assert port_source(ported) == ported
    with TestClient(load(DOCS_PAGES).app) as client:
        swagger = client.get("/docs").text
        redoc = client.get("/redoc").text
    assert 'src="https://unpkg.com/swagger-ui-dist@5/swagger-ui-bundle.js"' in swagger
    assert 'href="https://unpkg.com/swagger-ui-dist@5/swagger-ui.css"' in swagger
    assert "<title>Shop - Swagger UI</title>" in swagger
    assert "https://cdn.jsdelivr.net/npm/redoc@2/bundles/redoc.standalone.js" in redoc
