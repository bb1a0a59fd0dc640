"""The project template's database choices, for real: SQLite, PostgreSQL and none.

For each choice: generate the project (every plugin), install it into a fresh virtual
environment (uv, with its cache), run ``alembic upgrade head``, run the generated tests,
then serve it with ``pegboard run`` on 127.0.0.1 and drive it over HTTP: register, log
in, create, list, and the bad inputs (a taken email, a wrong password, someone else's
item, an invalid page size). The default, SQLite, runs its tests and serves with the
README's two commands, ``scripts/test`` and ``scripts/serve``. PostgreSQL is a throwaway
cluster: ``initdb`` into a temporary folder and ``pg_ctl`` on a free port, stopped by its
PID at the end. Without PostgreSQL's binaries that choice is skipped, except under CI,
where it fails.
"""

from __future__ import annotations

import glob
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs
import pytest

pytest.importorskip("cookiecutter.main", reason="the templates need pegboard[new] (cookiecutter)")

from benchmarks.server import free_port
from pegboard.scaffold import generate
from tests.servers import in_ci

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"
EXTRAS = "server,validation,di,security,jwt,openapi,docs,testing"
PASSWORD = "correct horse battery staple"


def uv() -> str:
    beside = Path(sys.executable).with_name("uv")
    found = str(beside) if beside.exists() else shutil.which("uv")
    if found is None:
        pytest.skip("uv is not installed here")
    return found


@pytest.fixture(autouse=True)
def cookiecutter_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    home = tmp_path_factory.getbasetemp() / "cookiecutter-home"
    home.mkdir(exist_ok=True)
    config = home / "config.yaml"
    config.write_text(f"cookiecutters_dir: {home / 'templates'}\nreplay_dir: {home / 'replay'}\n")
    monkeypatch.setenv("COOKIECUTTER_CONFIG", str(config))


# -- a throwaway PostgreSQL cluster ------------------------------------------------------


@attrs.frozen
class Postgres:
    bin: Path
    port: int

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        # Over TCP with trust auth: any OS user may connect as the postgres role.
        command = [str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port)]
        created = subprocess.run([*command, "-U", "postgres", name], capture_output=True, text=True)
        assert created.returncode == 0, created.stderr
        return self.url(name)


def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _version(path: str) -> tuple[int, ...]:
    part = Path(path).parts[-3]
    return tuple(int(n) for n in part.split(".") if n.isdigit())


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres]:
    bindir = postgres_bin()
    if bindir is None:
        message = "PostgreSQL's initdb and pg_ctl are not installed (apt install postgresql)"
        if in_ci():
            pytest.fail(f"{message}; CI is set, so this is a failure.", pytrace=False)
        pytest.skip(message)
    # initdb and the server refuse to run as root: as root, run them as `postgres`.
    as_user: list[str] = []
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", "postgres", "--"]
    # Not under pytest's temporary folder: that one is private to this user.
    folder = Path(tempfile.mkdtemp(prefix="pegboard-pg-"))
    if as_user:
        owner = pwd.getpwnam("postgres")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    data = folder / "data"
    port = free_port()
    try:
        subprocess.run(
            [
                *as_user,
                *(str(bindir / "initdb"), "-D", str(data), "-U", "postgres"),
                *("--auth-local=trust", "--auth-host=trust", "-E", "UTF8", "--no-sync"),
            ],
            check=True,
            capture_output=True,
        )
        # Listens on 127.0.0.1 only (trust is then only for this machine); its socket
        # in the folder; fsync off: nothing here needs to survive a crash.
        options = f"-p {port} -h 127.0.0.1 -k {folder} -F"
        subprocess.run(
            [
                *as_user,
                *(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(folder / "log")),
                *("-o", options, "-w", "-t", "60", "start"),
            ],
            check=True,
            capture_output=True,
        )
        yield Postgres(bindir, port)
    finally:
        pid_file = data / "postmaster.pid"
        if pid_file.exists():
            pid = int(pid_file.read_text().split()[0])
            os.kill(pid, signal.SIGINT)  # "fast" shutdown: ends the sessions, then stops
            deadline = time.monotonic() + 30
            while pid_file.exists() and time.monotonic() < deadline:
                time.sleep(0.1)
            if pid_file.exists():
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(folder, ignore_errors=True)


# -- the generated project, installed ----------------------------------------------------


@attrs.frozen
class Project:
    folder: Path
    package: str
    venv: Path
    env: dict[str, str]

    def run(
        self, *args: str, env: dict[str, str] | None = None, timeout: float = 300
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            list(args),
            cwd=self.folder,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def bin(self, name: str) -> str:
        return str(self.venv / "bin" / name)


def clean_environment(venv: Path) -> dict[str, str]:
    leaks = ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTEST_ADDOPTS", "PYTEST_PLUGINS")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in leaks
        and key != "DATABASE_URL"
        and not key.startswith(("COV_", "COVERAGE_", "PEGBOARD_", "APP_"))
    }
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env


def generate_project(database: str, base: Path) -> Path:
    # In the main thread: cookiecutter changes the working directory while it renders.
    context = {"project_name": f"App {database}", "package_name": f"app_{database}"}
    context["database"] = database
    if PYTHON in ("3.10", "3.11", "3.12", "3.13"):
        context["python_version"] = PYTHON
    return generate("project", base, no_input=True, extra_context=context)


def install_project(folder: Path) -> Project:
    venv = folder.parent / "venv"
    subprocess.run([uv(), "venv", "--quiet", "--python", sys.executable, str(venv)], check=True)
    env = clean_environment(venv)
    # The checkout's pegboard, then the project with its own dependencies, as a user
    # installs it (pip install -e ".[test]"): nothing else comes from this environment.
    install = [uv(), "pip", "install", "--quiet", "--python", str(venv / "bin" / "python")]
    result = subprocess.run(
        [*install, "-e", f"{ROOT}[{EXTRAS}]", "-e", f"{folder}[test]"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return Project(folder, folder.name.replace("-", "_"), venv, env)


# -- HTTP against the served app ---------------------------------------------------------


@attrs.frozen
class Answer:
    status: int
    headers: dict[str, str]
    body: Any


def call(
    base: str,
    method: str,
    path: str,
    *,
    json_body: Any = None,
    form: dict[str, str] | None = None,
    token: str | None = None,
) -> Answer:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = None
    if json_body is not None:
        data = json.dumps(json_body).encode()
        headers["Content-Type"] = "application/json"
    elif form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
            status, answer_headers = response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        raw, status, answer_headers = error.read(), error.code, dict(error.headers)
    body = json.loads(raw) if raw else None
    return Answer(status, {k.lower(): v for k, v in answer_headers.items()}, body)


@attrs.frozen
class Served:
    base: str
    log: Path


@contextmanager
def serve(
    project: Project, env: dict[str, str], log: Path, *, script: bool = False
) -> Iterator[Served]:
    """The app on a free port of 127.0.0.1 until the block ends, stopped by its PID.

    ``pegboard run``, or with ``script`` the README's ``scripts/serve`` (which migrates,
    then runs ``pegboard dev``, on 127.0.0.1 and ``$PORT``).
    """
    port = free_port()
    command = [project.bin("pegboard"), "run", f"{project.package}.main:app"]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    if script:
        command = [str(project.folder / "scripts" / "serve")]
        env = {**env, "PORT": str(port), "VIRTUAL_ENV": str(project.venv)}
    with log.open("w") as output:
        server = subprocess.Popen(
            command,
            cwd=project.folder,
            env={**project.env, **env},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, f"the server exited:\n{log.read_text()}"
            try:
                if call(base, "GET", "/health").status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"the server did not start:\n{log.read_text()}"
            time.sleep(0.2)
        yield Served(base, log)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def passed_count(output: str) -> int:
    summary = output.strip().splitlines()[-1]
    assert " passed" in summary, output
    assert "skipped" not in summary, output
    assert "failed" not in summary, output
    return int(summary.split(" passed")[0].split()[-1])


# -- the matrix --------------------------------------------------------------------------


def smoke_test_database_app(base: str) -> None:
    assert call(base, "GET", "/ready").body == {"status": "ready"}
    ada = {"email": "ada@example.com", "password": PASSWORD}
    registered = call(base, "POST", "/auth/register", json_body=ada)
    assert registered.status == 201, registered
    assert registered.body["email"] == "ada@example.com"
    taken = call(base, "POST", "/auth/register", json_body={**ada, "email": "ADA@example.com"})
    assert (taken.status, taken.body) == (409, {"detail": "This email is already registered."})

    wrong = call(base, "POST", "/auth/token", form={"username": ada["email"], "password": "x"})
    assert wrong.status == 401, wrong
    assert wrong.headers["www-authenticate"] == "Bearer"
    login = call(base, "POST", "/auth/token", form={"username": ada["email"], "password": PASSWORD})
    assert login.status == 200, login
    token = login.body["access_token"]

    created = call(base, "POST", "/items", json_body={"name": "Hammer", "price": 9.5}, token=token)
    assert created.status == 201, created
    listed = call(base, "GET", "/items?limit=10&q=ham", token=token)
    assert listed.status == 200
    assert [item["name"] for item in listed.body["items"]] == ["Hammer"]
    assert listed.body["total"] == 1

    for size in ("0", "101", "ten"):
        bad = call(base, "GET", f"/items?limit={size}", token=token)
        assert bad.status == 422, bad
        assert bad.body["detail"][0]["loc"] == ["query", "limit"]
    assert call(base, "GET", "/items").status == 401

    bob = {"email": "bob@example.com", "password": PASSWORD}
    assert call(base, "POST", "/auth/register", json_body=bob).status == 201
    bob_token = call(
        base, "POST", "/auth/token", form={"username": bob["email"], "password": PASSWORD}
    )
    other = bob_token.body["access_token"]
    url = f"/items/{created.body['id']}"
    for method in ("GET", "DELETE"):
        theirs = call(base, method, url, token=other)
        assert theirs.status == 404, theirs  # not 403: bob learns nothing about ada's ids
        assert theirs.body == {"detail": f"No item {created.body['id']}."}
    assert call(base, "GET", "/items", token=other).body["items"] == []
    assert call(base, "GET", url, token=token).body == created.body  # still there


def smoke_test_memory_app(base: str) -> None:
    assert [item["name"] for item in call(base, "GET", "/items").body] == ["Hammer", "Saw"]
    created = call(base, "POST", "/items", json_body={"name": "Drill", "price": 49.0})
    assert created.status == 201, created
    assert call(base, "GET", f"/items/{created.body['id']}").body == created.body
    assert call(base, "GET", "/items?limit=0").status == 422
    assert call(base, "DELETE", "/items/1").status == 401  # the API token is not set


DATABASES = ("sqlite", "postgresql", "none")


def run_choice(database: str, pg: Postgres | None, folder: Path) -> str:
    """Everything for one choice after generating; returns the generated tests' summary."""
    project = install_project(folder)
    base = folder.parent

    # The database the app serves from, and the one the generated tests use.
    if pg is not None:
        served_url = pg.create_database("app")
        tests_env = {"DATABASE_URL": pg.create_database("tests")}
    else:
        served_url, tests_env = f"sqlite:///{base / 'served.db'}", {}
    env = {"DATABASE_URL": served_url} if database != "none" else {}

    if database != "none":
        migrated = project.run(project.bin("alembic"), "upgrade", "head", env=env)
        assert migrated.returncode == 0, migrated.stderr
        assert "Running upgrade  -> 0001, Users and their items." in migrated.stderr
        current = project.run(project.bin("alembic"), "current", env=env)
        assert "0001 (head)" in current.stdout, current.stdout + current.stderr

    # SQLite's project is the default one: run it with the README's two commands.
    readme = database == "sqlite"
    pytest_command = [project.bin("python"), "-m", "pytest"]
    if readme:  # in the active environment, where the project is installed already
        (project.venv / f".{project.package}-installed").touch()
        pytest_command = [str(project.folder / "scripts" / "test")]
        tests_env = {**tests_env, "VIRTUAL_ENV": str(project.venv)}
    tests = project.run(*pytest_command, "-q", "-p", "no:cacheprovider", env=tests_env)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    passed_count(tests.stdout)

    with serve(project, env, base / "server.log", script=readme) as served:
        if database == "none":
            smoke_test_memory_app(served.base)
        else:
            smoke_test_database_app(served.base)
    if database == "sqlite":
        assert (base / "served.db").is_file()  # the data went where DATABASE_URL said
    return str(tests.stdout.strip().splitlines()[-1])


@attrs.frozen
class Missing:
    """PostgreSQL's binaries are missing: a skip, or under CI a failure."""

    reason: str
    fails: bool


@pytest.fixture(scope="module")
def outcomes(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Future[str] | Missing]:
    """Every choice, run side by side (installs wait on the network and disk, not CPUs).

    Each value is the future of its run, or why it could not run: a ``Missing``.
    """
    missing = None
    try:
        pg: Postgres | None = request.getfixturevalue("postgres")
    except (pytest.skip.Exception, pytest.fail.Exception) as exc:
        pg, missing = None, Missing(str(exc), isinstance(exc, pytest.fail.Exception))
    results: dict[str, Future[str] | Missing] = {}
    folders = {}
    for database in DATABASES:
        if database == "postgresql" and missing is not None:
            results[database] = missing
        else:
            folders[database] = generate_project(database, tmp_path_factory.mktemp(database))
    with ThreadPoolExecutor(max_workers=len(folders)) as pool:
        for database, folder in folders.items():
            server = pg if database == "postgresql" else None
            results[database] = pool.submit(run_choice, database, server, folder)
        for outcome in results.values():
            if isinstance(outcome, Future):
                outcome.exception()  # waits; the test of its choice raises it
    return results


@pytest.mark.parametrize("database", DATABASES)
def test_database_choice(
    database: str, outcomes: dict[str, Future[str] | Missing], record_property: Any
) -> None:
    outcome = outcomes[database]
    if isinstance(outcome, Missing):
        if outcome.fails:
            pytest.fail(outcome.reason, pytrace=False)
        pytest.skip(outcome.reason)
    summary = outcome.result()
    # The generated tests' count, in the report (junit-xml) and, with -rP, on the terminal.
    record_property("generated_tests_passed", passed_count(summary))
    print(f"{database}: {summary}")
