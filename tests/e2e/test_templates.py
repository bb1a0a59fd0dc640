"""The cookiecutter templates, end to end: generate, install, run the generated tests.

The fast tests render the templates and check what comes out. The slow ones share one
fresh virtual environment: the checkout's pegboard is installed into it once, editable,
with the extras the templates use; then every valid project without a database (all
plugin combinations) and the generated plugin are installed into it editable without
dependencies, and each runs its own test suite with that environment's pytest, in its
own folder. The database choices are installed, migrated, tested and served in
test_template_database.py.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import attrs
import pytest

pytest.importorskip("cookiecutter.main", reason="the templates need pegboard[new] (cookiecutter)")
tomllib = pytest.importorskip("tomllib", reason="reading pyproject.toml needs Python 3.11+")

from pegboard.scaffold import TemplateError, generate  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"

PLUGINS = ("validation", "di", "security", "openapi", "docs_ui")
#: What each plugin needs, as the template's pre-generation hook enforces.
NEEDS = {"security": "di", "docs_ui": "openapi"}
#: The prompt of each plugin -> the pegboard extra that installs it.
EXTRAS = {"validation": "validation", "di": "di", "security": "security"}
EXTRAS |= {"openapi": "openapi", "docs_ui": "docs"}
#: The prompt of each plugin -> the name the generated app enables it by.
ENABLED_AS = {"validation": "validation", "di": "di", "security": "security"}
ENABLED_AS |= {"openapi": "openapi", "docs_ui": "swagger"}


#: The database choices; all but "none" need these plugins (users log in, bodies are typed).
DATABASES = ("sqlite", "postgresql", "none")
DATABASE_NEEDS = frozenset({"validation", "di", "security"})


def all_combinations() -> list[frozenset[str]]:
    return [
        frozenset(name for name, chosen in zip(PLUGINS, choice, strict=True) if chosen)
        for choice in itertools.product((True, False), repeat=len(PLUGINS))
    ]


def is_valid(combo: frozenset[str]) -> bool:
    return all(needed in combo for plugin, needed in NEEDS.items() if plugin in combo)


VALID = [combo for combo in all_combinations() if is_valid(combo)]
INVALID = [combo for combo in all_combinations() if not is_valid(combo)]
#: (database, plugins) for the database choices: the combinations that have its needs.
WITH_DATABASE = [
    (database, combo) for database in DATABASES[:2] for combo in VALID if combo >= DATABASE_NEEDS
]
#: A database without one of the plugins it needs, or without any.
WITHOUT_ITS_NEEDS = [
    (database, combo)
    for database in DATABASES[:2]
    for combo in VALID
    if len(DATABASE_NEEDS - combo) == 1 or not combo
]


def database_id(choice: tuple[str, frozenset[str]]) -> str:
    return f"{choice[0]}-{code(choice[1])}"


LETTERS = {"validation": "v", "di": "d", "security": "s", "openapi": "o", "docs_ui": "u"}


def code(combo: frozenset[str]) -> str:
    """``v1d1s0o1u0``: a short, importable tag for a combination."""
    return "".join(f"{LETTERS[name]}{int(name in combo)}" for name in PLUGINS)


def project_context(combo: frozenset[str], database: str = "none") -> dict[str, str]:
    tag = code(combo) if database == "none" else f"{code(combo)}_{database}"
    context = {name: "yes" if name in combo else "no" for name in PLUGINS}
    context |= {"project_name": f"App {tag}", "package_name": f"app_{tag}", "database": database}
    if PYTHON in ("3.10", "3.11", "3.12", "3.13"):
        context["python_version"] = PYTHON
    return context


@pytest.fixture(autouse=True)
def cookiecutter_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Keep cookiecutter's replay files and caches out of the user's home."""
    home = tmp_path_factory.getbasetemp() / "cookiecutter-home"
    home.mkdir(exist_ok=True)
    config = home / "config.yaml"
    config.write_text(f"cookiecutters_dir: {home / 'templates'}\nreplay_dir: {home / 'replay'}\n")
    monkeypatch.setenv("COOKIECUTTER_CONFIG", str(config))


def relative_files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


# -- rendering (fast) ------------------------------------------------------------------


def test_there_are_18_valid_combinations():
    assert len(VALID) == 18
    assert len(INVALID) == 14
    assert len(WITH_DATABASE) == 6  # each database with openapi and docs_ui on or off
    assert WITHOUT_ITS_NEEDS


@pytest.mark.parametrize("choice", WITHOUT_ITS_NEEDS, ids=database_id)
def test_a_database_without_its_plugins_is_refused_with_the_fix(
    choice: tuple[str, frozenset[str]], tmp_path: Path, capfd: pytest.CaptureFixture[str]
):
    database, combo = choice
    context = project_context(combo, database)
    with pytest.raises(TemplateError, match="refused"):
        generate("project", tmp_path, no_input=True, extra_context=context)
    assert list(tmp_path.iterdir()) == []
    message = capfd.readouterr().err
    missing = sorted(DATABASE_NEEDS - combo, key=PLUGINS.index)
    assert f"database={database} needs {', '.join(missing)}" in message
    for name in missing:
        assert f"--extra-context {name}=yes" in message
    assert "--extra-context database=none" in message


def test_the_defaults_have_a_sqlite_database(tmp_path: Path):
    project = generate("project", tmp_path, no_input=True)
    assert (project / "migrations" / "env.py").is_file()
    settings = (project / "src" / "my_service" / "settings.py").read_text()
    assert 'DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///my_service.db"' in settings


@pytest.mark.parametrize("combo", INVALID, ids=code)
def test_invalid_combinations_are_refused_with_the_fix(
    combo: frozenset[str], tmp_path: Path, capfd: pytest.CaptureFixture[str]
):
    with pytest.raises(TemplateError, match="refused"):
        generate("project", tmp_path, no_input=True, extra_context=project_context(combo))
    assert list(tmp_path.iterdir()) == []  # nothing half-written
    message = capfd.readouterr().err
    for plugin, needed in NEEDS.items():
        if plugin in combo and needed not in combo:
            assert f"{plugin} needs {needed}" in message
            assert f"--extra-context {needed}=yes or {plugin}=no" in message


@pytest.mark.parametrize(
    ("answers", "complaint"),
    [
        ({"package_name": "2fast"}, "not a lowercase Python identifier"),
        ({"package_name": "class"}, "not a lowercase Python identifier"),
        ({"package_name": "pegboard_thing"}, "reserved"),
        ({"project_name": "!!!"}, "no usable folder name"),
    ],
)
def test_bad_names_are_refused(
    answers: dict[str, str], complaint: str, tmp_path: Path, capfd: pytest.CaptureFixture[str]
):
    with pytest.raises(TemplateError):
        generate("project", tmp_path, no_input=True, extra_context=answers)
    assert complaint in capfd.readouterr().err


def test_a_bad_yes_no_answer_is_refused(tmp_path: Path):
    with pytest.raises(TemplateError, match="could not be converted to a boolean"):
        generate("project", tmp_path, no_input=True, extra_context={"di": "maybe"})


CORE_FILES = {
    ".dockerignore",
    ".gitignore",
    "Dockerfile",
    "README.md",
    "pyproject.toml",
    "scripts/_venv.sh",
    "scripts/serve",
    "scripts/test",
    "src/app_{tag}/__init__.py",
    "src/app_{tag}/app.py",
    "src/app_{tag}/main.py",
    "src/app_{tag}/models.py",
    "src/app_{tag}/routes/__init__.py",
    "src/app_{tag}/routes/health.py",
    "src/app_{tag}/routes/items.py",
    "src/app_{tag}/settings.py",
    "src/app_{tag}/store.py",
    "tests/conftest.py",
    "tests/test_app.py",
    "tests/test_health.py",
    "tests/test_items.py",
}
#: A database project: the in-memory store's files, less the store, plus these.
DATABASE_FILES = {
    "alembic.ini",
    "compose.yaml",
    "migrations/env.py",
    "migrations/script.py.mako",
    "migrations/versions/20261204_0001_users_and_items.py",
    "src/app_{tag}/db.py",
    "src/app_{tag}/dependencies.py",
    "src/app_{tag}/schemas.py",
    "src/app_{tag}/security.py",
    "src/app_{tag}/routes/auth.py",
    "src/app_{tag}/routes/ready.py",
    "tests/test_auth.py",
    "tests/test_migrations.py",
    "tests/test_ready.py",
    "tests/test_session.py",
}


ALL_CHOICES = [("none", combo) for combo in VALID] + WITH_DATABASE


@pytest.mark.parametrize("choice", ALL_CHOICES, ids=database_id)
def test_project_files_and_extras(choice: tuple[str, frozenset[str]], tmp_path: Path):
    database, combo = choice
    context = project_context(combo, database)
    tag = context["package_name"].removeprefix("app_")
    project = generate("project", tmp_path, no_input=True, extra_context=context)
    assert project == tmp_path / f"app-{tag.replace('_', '-')}"
    expected = {name.format(tag=tag) for name in CORE_FILES}
    if "di" in combo:
        expected.add(f"src/app_{tag}/dependencies.py")
    if "security" in combo:
        expected.add(f"src/app_{tag}/security.py")
    if database != "none":
        expected.remove(f"src/app_{tag}/store.py")
        expected |= {name.format(tag=tag) for name in DATABASE_FILES}
    assert relative_files(project) == expected
    assert all(os.access(project / "scripts" / s, os.X_OK) for s in ("serve", "test"))

    meta = tomllib.loads((project / "pyproject.toml").read_text())["project"]
    requirement, *others = meta["dependencies"]
    extras = requirement.split("[")[1].split("]")[0].split(",")
    chosen = [EXTRAS[name] for name in PLUGINS if name in combo]
    if database != "none":  # JWT and argon2, after security
        chosen.insert(chosen.index("security") + 1, "jwt")
    assert extras == ["server", *chosen]
    names = {re.split(r"[\[>=]", other)[0] for other in others}
    drivers = {"sqlite": {"aiosqlite", "asyncpg"}, "postgresql": {"asyncpg"}, "none": set()}
    database_libraries = (
        {"sqlalchemy", "alembic", "email-validator"} if database != "none" else set()
    )
    assert names == {"pydantic-settings"} | database_libraries | drivers[database]
    if database == "postgresql":  # its tests fall back to SQLite without DATABASE_URL
        test_extra = tomllib.loads((project / "pyproject.toml").read_text())["project"]
        assert any(r.startswith("aiosqlite") for r in test_extra["optional-dependencies"]["test"])
    assert meta["requires-python"] == f">={project_context(combo).get('python_version', '3.12')}"

    # The code enables exactly the chosen plugins and imports no other.
    source = "\n".join(p.read_text() for p in (project / "src").rglob("*.py"))
    for name in PLUGINS:
        module = {"docs_ui": "pegboard_docs"}.get(name, f"pegboard_{name}")
        assert (f"from {module} import" in source) == (name in combo), name
    assert ("Query(" in source) == ("validation" in combo)
    assert ("Depends(" in source) == ("di" in combo)
    dockerfile = (project / "Dockerfile").read_text()
    assert f"FROM python:{meta['requires-python'][2:]}-slim" in dockerfile
    assert f"pegboard run app_{tag}.main:app" in dockerfile
    assert '--workers \\"$WEB_CONCURRENCY\\"' in dockerfile
    assert ("COPY migrations ./migrations" in dockerfile) == (database != "none")
    serve = (project / "scripts" / "serve").read_text()
    assert ('alembic" upgrade head' in serve) == (database != "none")


def ruff() -> str | None:
    beside = Path(sys.executable).with_name("ruff")
    return str(beside) if beside.exists() else shutil.which("ruff")


@pytest.mark.skipif(ruff() is None, reason="ruff is not installed here")
def test_generated_code_is_lint_clean_and_formatted(tmp_path: Path):
    for database, combo in ALL_CHOICES:
        context = project_context(combo, database)
        generate("project", tmp_path, no_input=True, extra_context=context)
    generate("plugin", tmp_path, no_input=True, extra_context={"plugin_name": "rate-limit"})
    generate("plugin", tmp_path, no_input=True)
    folders = sorted(str(p) for p in tmp_path.iterdir())
    assert len(folders) == len(ALL_CHOICES) + 2
    for folder in folders:  # each with its own pyproject's settings
        lint = [ruff(), "check", "--no-cache", folder]
        checked = subprocess.run(lint, capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout
        form = [ruff(), "format", "--no-cache", "--check", "--exclude", "*.md", folder]
        formatted = subprocess.run(form, capture_output=True, text=True)
        assert formatted.returncode == 0, formatted.stdout


def mypy() -> str | None:
    beside = Path(sys.executable).with_name("mypy")
    return str(beside) if beside.exists() else shutil.which("mypy")


#: The projects with every plugin: the most code (the rest is checked by running it).
TYPED = [("none", frozenset(PLUGINS)), ("sqlite", frozenset(PLUGINS))]


@pytest.mark.slow
@pytest.mark.skipif(mypy() is None, reason="mypy is not installed here")
def test_generated_code_type_checks_strictly(tmp_path: Path):
    out = tmp_path / "out"
    for database, combo in TYPED:
        generate("project", out, no_input=True, extra_context=project_context(combo, database))
    generate("plugin", out, no_input=True, extra_context={"plugin_name": "rate-limit"})

    def check(folder: Path) -> subprocess.CompletedProcess[str]:
        # A cache each: every project has a tests/conftest.py module of its own.
        cache = tmp_path / "cache" / folder.name
        folders = [name for name in ("src", "tests", "migrations") if (folder / name).is_dir()]
        command = [mypy(), "--strict", "--cache-dir", str(cache), *folders]
        env = {**os.environ, "MYPYPATH": "src"}
        return subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True)

    folders = sorted(out.iterdir())
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 2)) as pool:
        results = list(pool.map(check, folders))
    for folder, result in zip(folders, results, strict=True):
        assert result.returncode == 0, f"{folder.name}: {result.stdout}"


PLUGIN_FILES = {
    ".gitignore",
    "README.md",
    "pyproject.toml",
    "scripts/test",
    "src/pegboard_rate_limit/__init__.py",
    "src/pegboard_rate_limit/_version.py",
    "src/pegboard_rate_limit/cli.py",
    "src/pegboard_rate_limit/middleware.py",
    "src/pegboard_rate_limit/options.py",
    "src/pegboard_rate_limit/plugin.py",
    "src/pegboard_rate_limit/py.typed",
    "tests/conftest.py",
    "tests/test_installed.py",
    "tests/test_openapi.py",
    "tests/test_plugin.py",
}


def test_plugin_files_and_entry_point(tmp_path: Path):
    answers = {"plugin_name": "rate-limit"}
    plugin = generate("plugin", tmp_path, no_input=True, extra_context=answers)
    assert plugin == tmp_path / "pegboard-rate-limit"
    assert relative_files(plugin) == PLUGIN_FILES
    project = tomllib.loads((plugin / "pyproject.toml").read_text())
    assert project["project"]["name"] == "pegboard-rate-limit"
    entry_points = project["project"]["entry-points"]["pegboard.plugins"]
    assert entry_points == {"rate-limit": "pegboard_rate_limit:rate_limit"}
    source = (plugin / "src/pegboard_rate_limit/plugin.py").read_text()
    assert "@hookimpl(optionalhook=True)\n    def pegboard_openapi_operation(" in source
    # The command is declared beside the plugin, never through it.
    commands = project["project"]["entry-points"]["pegboard.commands"]
    assert commands == {"rate-limit": "pegboard_rate_limit.cli:rate_limit_command"}
    assert "pegboard_add_commands" not in source
    assert 'RouteOption(OPTION, "replace"' in source


@pytest.mark.parametrize(
    ("name", "complaint"),
    [
        ("Hello", "lowercase letters and digits"),
        ("pegboard-hello", "must not start with 'pegboard'"),
        ("openapi", "taken by pegboard itself"),
        ("class", "Python keyword"),
    ],
)
def test_bad_plugin_names_are_refused(
    name: str, complaint: str, tmp_path: Path, capfd: pytest.CaptureFixture[str]
):
    with pytest.raises(TemplateError):
        generate("plugin", tmp_path, no_input=True, extra_context={"plugin_name": name})
    assert complaint in capfd.readouterr().err


# -- the docs show generated files: they must be what the templates generate ------------

#: docs folder -> (template, answers, {sample file: generated file}). "layout.txt" is the
#: list of generated files.
DOCS_SAMPLES = {
    "docs/src/new-project": (
        "project",
        {"project_name": "Shop", "python_version": "3.12"},
        {
            "app.py": "src/shop/app.py",
            "routes.py": "src/shop/routes/__init__.py",
            "settings.py": "src/shop/settings.py",
            "db.py": "src/shop/db.py",
            "models.py": "src/shop/models.py",
            "schemas.py": "src/shop/schemas.py",
            "dependencies.py": "src/shop/dependencies.py",
            "security.py": "src/shop/security.py",
            "auth.py": "src/shop/routes/auth.py",
            "items.py": "src/shop/routes/items.py",
            "ready.py": "src/shop/routes/ready.py",
            "env.py": "migrations/env.py",
            "first_migration.py": "migrations/versions/20261204_0001_users_and_items.py",
            "conftest.py": "tests/conftest.py",
            "test_items.py": "tests/test_items.py",
            "Dockerfile": "Dockerfile",
            "compose.yaml": "compose.yaml",
            "pyproject.toml": "pyproject.toml",
        },
    ),
    "docs/src/new-project-postgresql": (
        "project",
        {"project_name": "Shop", "python_version": "3.12", "database": "postgresql"},
        {"pyproject.toml": "pyproject.toml"},
    ),
    "docs/src/new-project-memory": (
        "project",
        {"project_name": "Shop", "python_version": "3.12", "database": "none"},
        {"items.py": "src/shop/routes/items.py", "security.py": "src/shop/security.py"},
    ),
    "docs/src/plugin-template": (
        "plugin",
        {"plugin_name": "hello", "author": "Ada", "author_email": "ada@example.org"},
        {
            "plugin.py": "src/pegboard_hello/plugin.py",
            "options.py": "src/pegboard_hello/options.py",
            "pyproject.toml": "pyproject.toml",
            "conftest.py": "tests/conftest.py",
            "test_plugin.py": "tests/test_plugin.py",
            "test_installed.py": "tests/test_installed.py",
        },
    ),
}


@pytest.mark.parametrize("folder", sorted(DOCS_SAMPLES))
def test_docs_samples_are_what_the_template_generates(folder: str, tmp_path: Path):
    """Set PEGBOARD_UPDATE_DOCS=1 to rewrite the samples after changing a template."""
    template, answers, files = DOCS_SAMPLES[folder]
    pinned = {"_pegboard_version": "0.1.0", **answers}  # the docs don't change per release
    created = generate(template, tmp_path, no_input=True, extra_context=pinned)
    expected = {name: (created / path).read_text() for name, path in files.items()}
    expected["layout.txt"] = "\n".join(sorted(relative_files(created))) + "\n"
    docs = ROOT / folder
    if os.environ.get("PEGBOARD_UPDATE_DOCS") == "1":
        for name, text in expected.items():
            (docs / name).write_text(text)
    for name, text in expected.items():
        assert (docs / name).read_text() == text, (
            f"{folder}/{name} differs from what the template generates; "
            "rerun with PEGBOARD_UPDATE_DOCS=1 to update it"
        )


#: Each page -> the folders of its samples.
PAGES = {
    "docs/new-project.md": (
        "docs/src/new-project",
        "docs/src/new-project-postgresql",
        "docs/src/new-project-memory",
    ),
    "docs/plugins/template.md": ("docs/src/plugin-template",),
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_pages_show_every_sample_and_no_inline_python(page: str):
    text = (ROOT / page).read_text()
    included = set(re.findall(r'--8<-- "([^":]+)"', text))
    assert [path for path in included if not (ROOT / path).is_file()] == []
    for block in re.findall(r"```python[^\n]*\n(.*?)```", text, flags=re.S):
        assert block.strip().startswith("--8<--"), f"{page}: inline Python {block[:60]!r}"
    samples = {
        str(p.relative_to(ROOT))
        for folder in PAGES[page]
        for p in (ROOT / folder).iterdir()
        if p.is_file() and p.name != "ruff.toml"
    }
    assert samples == included


def test_requirements_sample(load_sample):
    pytest.importorskip("pegboard_di")
    from pegboard import App, PluginError
    from pegboard_di import di

    mod = load_sample("docs/src/plugin-template/requires.py")
    with pytest.raises(PluginError, match=r"'audit' requires 'di'.*Add di\(\)"):
        App(plugins=[mod.audit()])
    app = App(plugins=[mod.audit(), di()])
    assert app.plugins == ["di", "audit"]  # requirements first, whatever the order given
    assert app.state.audit_log == []


# -- installed and tested in one shared, fresh virtual environment (slow) ----------------


@attrs.frozen
class Venv:
    path: Path
    env: dict[str, str]
    #: First-party plugin names that cannot be loaded there, with the error.
    unavailable: dict[str, str]

    @property
    def python(self) -> str:
        return str(self.path / "bin" / "python")

    def run(self, *args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(a) for a in args], cwd=cwd, env=self.env, capture_output=True, text=True
        )

    def check(self, *args: str | Path, cwd: Path | None = None) -> str:
        result = self.run(*args, cwd=cwd)
        assert result.returncode == 0, f"{args}:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def install_editable(self, *folders: Path) -> None:
        editable = [arg for folder in folders for arg in ("-e", str(folder))]
        self.check(uv(), "pip", "install", "--python", self.python, "--no-deps", *editable)

    def pytest(self, folder: Path) -> str:
        return self.check(self.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=folder)


def assert_all_passed(output: str) -> None:
    summary = output.strip().splitlines()[-1]
    assert " passed" in summary, output
    assert "skipped" not in summary, output  # a generated test must not skip here


def uv() -> str:
    beside = Path(sys.executable).with_name("uv")
    found = str(beside) if beside.exists() else shutil.which("uv")
    if found is None:
        pytest.skip("uv is not installed here")
    return found


def clean_environment(venv: Path) -> dict[str, str]:
    """This process's environment, minus what would leak into the venv's processes."""
    leaks = ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTEST_ADDOPTS", "PYTEST_PLUGINS")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in leaks and not key.startswith(("COV_", "COVERAGE_", "PEGBOARD_"))
    }
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env


FIRST_PARTY = {"security": "security", "docs_ui": "swagger"}

# Enables a plugin by name with what it requires and runs an app's lifespan.
PROBE = """
import sys
from pegboard import App
from pegboard.plugins import load_plugin, plugin_info_of
from pegboard.testing import TestClient
plugin = load_plugin(sys.argv[1])
with TestClient(App(plugins=[*map(load_plugin, plugin_info_of(plugin).requires), plugin])):
    pass
"""


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Venv:
    path = tmp_path_factory.mktemp("shared") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    env = clean_environment(path)
    extras = "server,validation,di,security,openapi,docs,new,testing"
    install = [uv(), "pip", "install", "--python", str(path / "bin" / "python")]
    subprocess.run(
        # The projects' own dependencies besides pegboard (installed --no-deps).
        [*install, "-e", f"{ROOT}[{extras}]", "pytest>=8", "pydantic-settings>=2.4"],
        check=True,
        env=env,
        capture_output=True,
    )
    unavailable: dict[str, str] = {}
    for name in sorted(set(FIRST_PARTY.values())):
        # Importable is not enough: the plugin must start with what its extra installs.
        result = subprocess.run(
            [str(path / "bin" / "python"), "-c", PROBE, name],
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            unavailable[name] = (result.stderr.strip().splitlines() or ["?"])[-1]
    return Venv(path, env, unavailable)


def unavailable_reason(venv: Venv, combo: frozenset[str]) -> str | None:
    missing = {
        FIRST_PARTY[prompt]: venv.unavailable[FIRST_PARTY[prompt]]
        for prompt in sorted(combo)
        if prompt in FIRST_PARTY and FIRST_PARTY[prompt] in venv.unavailable
    }
    if not missing:
        return None
    reasons = "; ".join(f"{name!r} cannot be loaded ({err})" for name, err in missing.items())
    return f"first-party plugin not available yet: {reasons}"


@attrs.frozen
class ProjectRun:
    folder: Path
    skipped: str | None = None
    result: subprocess.CompletedProcess[str] | None = None


@pytest.fixture(scope="module")
def projects(venv: Venv, tmp_path_factory: pytest.TempPathFactory) -> dict[str, ProjectRun]:
    """Every valid project, generated, installed in one go, and tested two at a time."""
    base = tmp_path_factory.mktemp("projects")
    runs: dict[str, ProjectRun] = {}
    for combo in VALID:
        folder = generate("project", base, no_input=True, extra_context=project_context(combo))
        runs[code(combo)] = ProjectRun(folder, unavailable_reason(venv, combo))
    runnable = {tag: run for tag, run in runs.items() if run.skipped is None}
    if runnable:
        venv.install_editable(*(run.folder for run in runnable.values()))
    command = (venv.python, "-m", "pytest", "-q", "-p", "no:cacheprovider")
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 2)) as pool:
        futures = {
            tag: pool.submit(venv.run, *command, cwd=run.folder) for tag, run in runnable.items()
        }
        for tag, future in futures.items():
            runs[tag] = attrs.evolve(runs[tag], result=future.result())
    return runs


@pytest.mark.slow
@pytest.mark.parametrize("combo", VALID, ids=code)
def test_generated_project_passes_its_own_tests(
    combo: frozenset[str], projects: dict[str, ProjectRun]
):
    run = projects[code(combo)]
    if run.skipped:
        pytest.skip(run.skipped)
    assert run.result is not None
    assert run.result.returncode == 0, run.result.stdout + run.result.stderr
    assert_all_passed(run.result.stdout)


@pytest.mark.slow
def test_generated_project_app_module_serves_from_the_cli(
    venv: Venv, projects: dict[str, ProjectRun]
):
    # `pegboard run PACKAGE.main:app` (the Dockerfile, scripts/serve) finds the app.
    for combo in sorted(VALID, key=len, reverse=True):
        tag = code(combo)
        if projects[tag].skipped is None:
            break
    target = f"app_{tag}.main:app"
    shown = venv.check("pegboard", "plugins", target, cwd=projects[tag].folder.parent)
    rows = [line.split() for line in shown.splitlines()[2:] if not line.startswith(" ")]
    enabled = [row[0] for row in rows if row[2] == "yes"]  # (indented: wrapped options)
    assert sorted(enabled) == sorted(ENABLED_AS[name] for name in combo)
    assert "/items/{item_id:int}" in venv.check("pegboard", "routes", target)


@pytest.mark.slow
def test_generated_project_scripts_test_runs_in_the_active_venv(venv: Venv, tmp_path: Path):
    # The README's test command, as a user runs it with a virtual environment active.
    combo = frozenset({"validation", "di", "openapi"})
    project = generate("project", tmp_path, no_input=True, extra_context=project_context(combo))
    env = {**venv.env, "VIRTUAL_ENV": str(venv.path)}
    result = subprocess.run(
        ["scripts/test", "-q", "-p", "no:cacheprovider"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout
    assert (venv.path / f".app_{code(combo)}-installed").is_file()


@pytest.mark.slow
def test_generated_plugin_is_installable_discoverable_and_tested(venv: Venv, tmp_path: Path):
    plugin = generate("plugin", tmp_path, no_input=True, extra_context={"plugin_name": "stamp"})
    venv.install_editable(plugin)
    assert_all_passed(venv.pytest(plugin))

    (tmp_path / "stamped.py").write_text(
        "from pegboard import App\n"
        "app = App(plugins=['stamp'])  # enabled by its name\n"
        "@app.get('/', stamp='yes')\n"
        "async def home() -> str:\n"
        "    return 'home'\n"
    )
    # Listed by `pegboard plugins` as installed, and as enabled by the app.
    listing = venv.check("pegboard", "plugins", "stamped.py", cwd=tmp_path)
    row = next(line.split() for line in listing.splitlines() if line.startswith("stamp "))
    assert row == ["stamp", "0.1.0", "yes", "stamp", "pegboard_stamp:stamp"]
    # Its own subcommand is on the command line.
    assert venv.check("pegboard", "stamp", "stamped.py", cwd=tmp_path) == "GET /  yes\n"


@pytest.mark.slow
def test_example_plugin_and_app(venv: Venv):
    example = ROOT / "examples" / "pegboard-requestid"
    venv.install_editable(example)
    assert_all_passed(venv.pytest(example))
    listing = venv.check("pegboard", "plugins", "app.py", cwd=example / "example")
    row = next(line.split() for line in listing.splitlines() if line.startswith("requestid "))
    assert row[2] == "yes"


@pytest.mark.slow
def test_an_installed_wheel_ships_the_templates(venv: Venv, tmp_path: Path):
    venv.check(uv(), "build", "--wheel", "--out-dir", tmp_path / "dist", ROOT)
    (wheel,) = (tmp_path / "dist").glob("pegboard-*.whl")
    unpacked = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        archive.extractall(unpacked)
    assert "pegboard/_templates/project/cookiecutter.json" in names
    assert "pegboard/_templates/plugin/cookiecutter.json" in names
    # Import pegboard from the unpacked wheel, not the checkout, and generate from it.
    env = {**venv.env, "PYTHONPATH": str(unpacked)}
    script = (
        "import pegboard.scaffold as s, sys;"
        "print(s.template_dir('plugin'));"
        "print(s.generate('plugin', sys.argv[1], no_input=True))"
    )
    result = subprocess.run(
        [venv.python, "-c", script, str(tmp_path / "out")], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    template, created = result.stdout.splitlines()
    assert template == str(unpacked / "pegboard" / "_templates" / "plugin")
    assert (Path(created) / "src" / "pegboard_hello" / "plugin.py").is_file()
    assert os.access(Path(created) / "scripts" / "test", os.X_OK)
