"""``pegboard docs-assets``: npm packages into a folder that ``assets_dir=`` serves.

A fake ``npm`` packs tarballs shaped like the real packages, so these tests need no
network; the real npm registry is used by the slow browser test of the fetched files.
"""

from __future__ import annotations

import io
import json
import sys
import tarfile
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from pegboard import App
from pegboard.testing import invoke_cli
from pegboard_docs import UIS, redoc, scalar, swagger_ui
from pegboard_docs.cli import docs_assets_command
from pegboard_docs.npm import Packed, take_files
from pegboard_openapi import openapi

# The layout of each real package: its name and the files the UIs use.
PACKAGES = {
    "swagger-ui-dist": [
        "swagger-ui-bundle.js",
        "swagger-ui.css",
        "oauth2-redirect.js",
        "favicon-32x32.png",
        "index.html",
        "LICENSE",
        "package.json",
    ],
    "redoc": ["bundles/redoc.standalone.js", "bundles/redoc.js", "LICENSE", "package.json"],
    "@scalar/api-reference": ["dist/browser/standalone.js", "dist/index.js", "package.json"],
    "rapidoc": ["dist/rapidoc-min.js", "dist/rapidoc-min.js.map", "LICENSE.txt", "package.json"],
    "@stoplight/elements": ["web-components.min.js", "styles.min.css", "index.js", "LICENSE"],
}

FAKE_NPM = """\
#!{python}
import io, json, sys, tarfile
from pathlib import Path

args = sys.argv[1:]
log = Path({log!r})
with log.open("a") as out:
    out.write(json.dumps(args) + "\\n")
spec = args[1]
name = spec.rsplit("@", 1)[0] if spec.rfind("@") > 0 else spec
layout = {layout!r}
if args[0] != "pack" or name not in layout:
    print("npm error 404 Not Found - " + spec, file=sys.stderr)
    sys.exit(1)
into = Path(args[args.index("--pack-destination") + 1])
filename = name.replace("@", "").replace("/", "-") + "-9.9.9.tgz"
with tarfile.open(into / filename, "w:gz") as tar:
    for path in layout[name]:
        data = ("// " + name + " " + path).encode()
        info = tarfile.TarInfo("package/" + path)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
print(json.dumps([{{"name": name, "version": "9.9.9", "filename": filename}}]))
"""


@pytest.fixture
def npm(tmp_path: Path) -> Path:
    script = tmp_path / "bin" / "npm"
    script.parent.mkdir()
    script.write_text(
        FAKE_NPM.format(python=sys.executable, log=str(tmp_path / "npm.log"), layout=PACKAGES)
    )
    script.chmod(0o755)
    return script


def calls(npm: Path) -> list[list[str]]:
    log = npm.parent.parent / "npm.log"
    return [json.loads(line) for line in log.read_text().splitlines()]


def run(*args: str) -> click.testing.Result:
    return CliRunner().invoke(docs_assets_command, list(args), catch_exceptions=False)


def test_fetches_the_five_uis(npm: Path, tmp_path: Path) -> None:
    target = tmp_path / "docs-assets"
    result = run(str(target), "--npm", str(npm))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"swagger-ui-dist@9.9.9 -> {target / 'swagger-ui'}",
        f"redoc@9.9.9 -> {target / 'redoc'}",
        f"@scalar/api-reference@9.9.9 -> {target / 'scalar'}",
        f"rapidoc@9.9.9 -> {target / 'rapidoc'}",
        f"@stoplight/elements@9.9.9 -> {target / 'elements'}",
        f"Serve them with: swagger_ui(assets_dir={str(target)!r}), "
        f"redoc(assets_dir={str(target)!r}), scalar(assets_dir={str(target)!r}), "
        f"rapidoc(assets_dir={str(target)!r}), elements(assets_dir={str(target)!r})",
    ]
    assert sorted(p.name for p in (target / "swagger-ui").iterdir()) == [
        "LICENSE",
        "favicon-32x32.png",
        "oauth2-redirect.js",
        "package.json",
        "swagger-ui-bundle.js",
        "swagger-ui.css",
    ]
    assert sorted(p.name for p in (target / "redoc").iterdir()) == [
        "LICENSE",
        "package.json",
        "redoc.standalone.js",
    ]
    assert sorted(p.name for p in (target / "scalar").iterdir()) == [
        "package.json",
        "standalone.js",
    ]
    assert (target / "redoc/redoc.standalone.js").read_text() == (
        "// redoc bundles/redoc.standalone.js"
    )
    assert sorted(p.name for p in (target / "rapidoc").iterdir()) == [
        "LICENSE.txt",
        "package.json",
        "rapidoc-min.js",
    ]
    assert sorted(p.name for p in (target / "elements").iterdir()) == [
        "LICENSE",
        "styles.min.css",
        "web-components.min.js",
    ]
    # The pinned versions by default: the files served offline.
    assert [call[:2] for call in calls(npm)] == [["pack", ui.npm_spec] for ui in UIS.values()]


def test_the_folder_serves_all_three(npm: Path, tmp_path: Path) -> None:
    target = tmp_path / "docs-assets"
    assert run(str(target), "--npm", str(npm)).exit_code == 0
    app = App(
        plugins=[
            openapi(),
            swagger_ui(assets_dir=target),
            redoc(assets_dir=target),
            scalar(assets_dir=target),
        ]
    )
    with TestClient(app) as client:
        for url, text in [
            ("/docs/assets/swagger-ui-bundle.js", "swagger-ui-bundle.js"),
            ("/docs/assets/oauth2-redirect.js", "oauth2-redirect.js"),
            ("/redoc/assets/redoc.standalone.js", "bundles/redoc.standalone.js"),
            ("/scalar/assets/standalone.js", "dist/browser/standalone.js"),
        ]:
            response = client.get(url)
            assert response.status_code == 200
            assert response.text.endswith(text)
        assert client.get("/docs/assets/package.json").status_code == 404


def test_one_ui_at_a_version(npm: Path, tmp_path: Path) -> None:
    result = run(
        str(tmp_path / "out"), "--ui", "redoc", "--redoc", "redoc@2.5.0", "--npm", str(npm)
    )
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["redoc"]
    assert calls(npm)[0][:2] == ["pack", "redoc@2.5.0"]
    assert "Serve them with: redoc(assets_dir=" in result.output


def test_npm_failing(npm: Path, tmp_path: Path) -> None:
    result = run(str(tmp_path / "out"), "--ui", "scalar", "--scalar", "nope@1", "--npm", str(npm))
    assert result.exit_code == 1
    assert "'npm pack nope@1' failed:\nnpm error 404 Not Found - nope@1" in result.output.replace(
        str(npm), "npm"
    )


def test_a_package_without_the_files(npm: Path, tmp_path: Path) -> None:
    result = run(
        str(tmp_path / "out"), "--ui", "swagger", "--swagger-ui", "redoc@3", "--npm", str(npm)
    )
    assert result.exit_code == 1
    assert (
        "redoc@9.9.9 has no swagger-ui-bundle.js; is it the package Swagger UI ships as? "
        f"The default is {UIS['swagger'].npm_spec}."
    ) in result.output
    assert not (tmp_path / "out").exists()


def test_without_npm(tmp_path: Path) -> None:
    result = run(str(tmp_path / "out"), "--npm", "pegboard-no-such-npm")
    assert result.exit_code == 1
    assert "'pegboard-no-such-npm' was not found. Install Node.js" in result.output


def test_npm_output_without_json(tmp_path: Path) -> None:
    # npm 6 prints the tarball's name, not JSON: the one tarball made is used.
    script = tmp_path / "npm"
    script.write_text(
        f"#!{sys.executable}\n"
        "import io, sys, tarfile\n"
        "into = sys.argv[sys.argv.index('--pack-destination') + 1]\n"
        "with tarfile.open(into + '/redoc-2.0.0.tgz', 'w:gz') as tar:\n"
        "    info = tarfile.TarInfo('package/bundles/redoc.standalone.js')\n"
        "    tar.addfile(info, io.BytesIO(b''))\n"
        "print('redoc-2.0.0.tgz')\n"
    )
    script.chmod(0o755)
    result = run(str(tmp_path / "out"), "--ui", "redoc", "--redoc", "redoc@2", "--npm", str(script))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"redoc@2 -> {tmp_path / 'out' / 'redoc'}")


def test_the_pinned_version_must_match_its_pins(tmp_path: Path) -> None:
    # A tarball that says it is the pinned ReDoc but holds another file is refused.
    script = tmp_path / "npm"
    script.write_text(
        f"#!{sys.executable}\n"
        "import io, json, sys, tarfile\n"
        "into = sys.argv[sys.argv.index('--pack-destination') + 1]\n"
        "with tarfile.open(into + '/redoc.tgz', 'w:gz') as tar:\n"
        "    info = tarfile.TarInfo('package/bundles/redoc.standalone.js')\n"
        "    tar.addfile(info, io.BytesIO(b''))\n"
        f"print(json.dumps([{{'name': 'redoc', 'version': {UIS['redoc'].pin.version!r}, "
        "'filename': 'redoc.tgz'}]))\n"
    )
    script.chmod(0o755)
    result = run(str(tmp_path / "out"), "--ui", "redoc", "--npm", str(script))
    assert result.exit_code == 1
    assert (
        f"{UIS['redoc'].npm_spec}'s redoc.standalone.js does not match its pin "
        f"{UIS['redoc'].pin.files['redoc.standalone.js']}"
    ) in result.output
    assert not (tmp_path / "out").exists()


def test_the_command_is_added_to_the_pegboard_cli() -> None:
    result = invoke_cli("docs-assets", "--help")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Usage: pegboard docs-assets")


def test_tarballs_are_read_not_extracted(tmp_path: Path) -> None:
    # A member that climbs out of the package is never written anywhere.
    tarball = tmp_path / "evil.tgz"
    with tarfile.open(tarball, "w:gz") as tar:
        for name in ("package/bundles/redoc.standalone.js", "package/../../escaped.js"):
            info = tarfile.TarInfo(name)
            info.size = 2
            tar.addfile(info, io.BytesIO(b"ok"))
    taken = take_files(Packed(tarball, "evil", "1", ""), UIS["redoc"])
    assert taken == {"redoc.standalone.js": b"ok"}
    assert not (tmp_path.parent / "escaped.js").exists()
