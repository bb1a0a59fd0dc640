"""Finding the UIs' files (packages, checked against pins; folders) and serving them."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.routing import Route
from starlette.testclient import TestClient

from pegboard import App, PluginError
from pegboard_docs import SWAGGER_UI, UIS, redoc, swagger_ui
from pegboard_docs.assets import (
    AssetFile,
    IntegrityError,
    PackageAssets,
    file_sri,
    find_in_folder,
    find_in_package,
    locate_assets,
    sri,
)
from pegboard_docs.serving import LONG_CACHE, AssetFiles, accepts_gzip, etag_matches
from pegboard_openapi import openapi

FILES = (AssetFile("app.js", ("app.js", "dist/app.js")), AssetFile("icon.png", required=False))


def files_app(folder: Path, version: str = "v1") -> App:
    files = {"app.js": folder / "app.js", "style.css": folder / "style.css"}
    endpoint = AssetFiles(files, version).respond
    return App(routes=[Route("/assets/{name}", endpoint, methods=["GET"])])


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "app.js").write_text("console.log('é');\n" * 200, encoding="utf-8")
    (tmp_path / "style.css").write_text("body { margin: 0 }\n")
    (tmp_path / "secret.txt").write_text("not served")
    return tmp_path


# -- serving ---------------------------------------------------------------------------


def test_a_file_is_served_gzipped_with_an_etag(folder: Path) -> None:
    with TestClient(files_app(folder)) as client:
        response = client.get("/assets/app.js")
    assert response.status_code == 200
    assert response.text == (folder / "app.js").read_text(encoding="utf-8")
    assert response.headers["content-type"] == "text/javascript; charset=utf-8"
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["vary"] == "Accept-Encoding"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["etag"].endswith('-gz"')
    assert int(response.headers["content-length"]) < (folder / "app.js").stat().st_size


def test_without_gzip_the_file_is_sent_as_is(folder: Path) -> None:
    with TestClient(files_app(folder)) as client:
        plain = client.get("/assets/style.css", headers={"accept-encoding": "identity"})
        zipped = client.get("/assets/style.css")
    assert "content-encoding" not in plain.headers
    assert plain.content == (folder / "style.css").read_bytes()
    assert plain.headers["content-type"] == "text/css; charset=utf-8"
    assert plain.headers["etag"] != zipped.headers["etag"]  # two representations


def test_the_current_version_is_cached_for_a_year(folder: Path) -> None:
    with TestClient(files_app(folder, version="abc")) as client:
        current = client.get("/assets/app.js?v=abc")
        other = client.get("/assets/app.js?v=old")
        bare = client.get("/assets/app.js")
    assert current.headers["cache-control"] == LONG_CACHE == "public, max-age=31536000, immutable"
    assert other.headers["cache-control"] == "no-cache"
    assert bare.headers["cache-control"] == "no-cache"
    assert current.content == other.content == bare.content


def test_a_matching_etag_gets_304(folder: Path) -> None:
    with TestClient(files_app(folder)) as client:
        etag = client.get("/assets/app.js").headers["etag"]
        for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
            again = client.get("/assets/app.js", headers={"if-none-match": header})
            assert again.status_code == 304, header
            assert again.content == b""
            assert again.headers["etag"] == etag
        changed = client.get("/assets/app.js", headers={"if-none-match": '"other"'})
    assert changed.status_code == 200


def test_only_the_named_files_are_served(folder: Path) -> None:
    with TestClient(files_app(folder)) as client:
        assert client.get("/assets/secret.txt").status_code == 404
        assert client.get("/assets/..%2Fsecret.txt").status_code == 404
        assert client.get("/assets/../secret.txt").status_code == 404
        head = client.head("/assets/app.js")
    assert head.status_code == 200
    assert head.content == b""


def test_files_are_read_once(folder: Path) -> None:
    with TestClient(files_app(folder)) as client:
        first = client.get("/assets/app.js").content
        (folder / "app.js").write_text("changed")
        assert client.get("/assets/app.js").content == first  # kept until restart


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip, deflate, br", True),
        ("br;q=1.0, gzip;q=0.8", True),
        ("GZIP", True),
        ("*", True),
        ("gzip;q=0", False),
        ("gzip; q=0.0", False),
        ("gzip;q=x", False),
        ("identity", False),
        ("", False),
    ],
)
def test_accept_encoding(header: str, expected: bool) -> None:
    assert accepts_gzip(header) is expected


def test_etag_comparison_is_weak() -> None:
    assert etag_matches('W/"a"', '"a"')
    assert etag_matches('"a"', 'W/"a"')
    assert not etag_matches("", '"a"')
    assert not etag_matches('"b", "c"', '"a"')


# -- finding the files -------------------------------------------------------------------


def test_a_flat_folder(tmp_path: Path) -> None:
    (tmp_path / "app.js").write_text("x")
    found = find_in_folder(tmp_path, FILES, "ui")
    assert found.files == {"app.js": tmp_path / "app.js"}
    assert not found.has("icon.png")
    assert found.origin == f"folder {tmp_path}"


def test_an_unpacked_npm_package(tmp_path: Path) -> None:
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist/app.js").write_text("x")
    (tmp_path / "icon.png").write_bytes(b"png")
    found = find_in_folder(tmp_path, FILES, "ui")
    assert found.files == {"app.js": tmp_path / "dist/app.js", "icon.png": tmp_path / "icon.png"}


def test_a_folder_holding_several_uis(tmp_path: Path) -> None:
    (tmp_path / "ui").mkdir()
    (tmp_path / "ui/app.js").write_text("x")
    assert find_in_folder(tmp_path, FILES, "ui").files == {"app.js": tmp_path / "ui/app.js"}


def test_a_folder_without_the_files(tmp_path: Path) -> None:
    (tmp_path / "ui").mkdir()
    with pytest.raises(PluginError) as error:
        find_in_folder(tmp_path, FILES, "ui")
    assert str(error.value) == (
        f"assets_dir={str(tmp_path / 'ui')!r} lacks app.js or dist/app.js. Fetch the files "
        f"into it with: pegboard docs-assets {tmp_path}"
    )
    with pytest.raises(PluginError, match="is not a folder"):
        find_in_folder(tmp_path / "nope", FILES, "ui")


def test_the_version_changes_with_the_files(tmp_path: Path) -> None:
    (tmp_path / "app.js").write_text("one")
    before = find_in_folder(tmp_path, FILES, "ui").version
    assert find_in_folder(tmp_path, FILES, "ui").version == before
    (tmp_path / "app.js").write_text("two!")
    assert find_in_folder(tmp_path, FILES, "ui").version != before


APP_JS = b"console.log(1);\n"
PINNED = PackageAssets("pegboard_fake_assets", "fake==1", {"app.js": sri(APP_JS)})


@pytest.fixture
def fake_package(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "site" / "pegboard_fake_assets"
    root.mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "app.js").write_bytes(APP_JS)
    sys.path.insert(0, str(tmp_path / "site"))
    yield root
    sys.path.remove(str(tmp_path / "site"))
    sys.modules.pop("pegboard_fake_assets", None)


def test_sri_is_sha384_in_base64() -> None:
    # The example of the Subresource Integrity spec's tools: `openssl dgst -sha384 -binary`.
    assert sri(b"alert('Hello, world.');") == (
        "sha384-H8BRh8j48O9oYatfu5AZzq6A9RINhZO5H16dQZngK7T62em8MUt1FLm52t+eX6xO"
    )


def test_a_package_is_found_without_importing_it(fake_package: Path) -> None:
    found = find_in_package(PINNED, FILES)
    assert found is not None
    assert found.files == {"app.js": fake_package / "app.js"}
    assert "pegboard_fake_assets" not in sys.modules


def test_an_absent_package_is_none() -> None:
    assert find_in_package(PackageAssets("pegboard_absent", "f", {}), FILES) is None
    assert find_in_package(PackageAssets("pegboard_fake_assets.x.y", "f", {}), FILES) is None


def test_a_tampered_file_is_refused(fake_package: Path) -> None:
    assert find_in_package(PINNED, FILES) is not None
    (fake_package / "app.js").write_bytes(b"console.log(2);\n")
    with pytest.raises(IntegrityError) as error:
        find_in_package(PINNED, FILES)
    assert str(error.value) == (
        f"The installed fake==1 at {fake_package} does not match its pins: app.js is "
        f"{sri(b'console.log(2);' + bytes([10]))}, pinned {sri(APP_JS)}. Reinstall it: "
        f"pip install --force-reinstall 'fake==1'."
    )


def test_a_missing_or_unpinned_file_is_refused(fake_package: Path) -> None:
    unpinned = PackageAssets("pegboard_fake_assets", "fake==1", {})
    with pytest.raises(IntegrityError, match=r"app\.js has no pinned hash"):
        find_in_package(unpinned, FILES)
    (fake_package / "app.js").unlink()
    with pytest.raises(IntegrityError, match=r"app\.js is missing"):
        find_in_package(PINNED, FILES)


def test_the_version_is_the_pins(fake_package: Path) -> None:
    found = find_in_package(PINNED, FILES)
    other = PackageAssets("pegboard_fake_assets", "fake==1", {"app.js": sri(APP_JS), "x": "y"})
    assert found is not None
    assert found.version != getattr(find_in_package(other, FILES), "version", None)


def test_the_folder_comes_before_the_cdn_and_the_cdn_before_the_package(tmp_path: Path) -> None:
    (tmp_path / "app.js").write_text("x")
    common = {"label": "UI", "factory": "ui", "extra": "ui", "files": FILES, "subfolder": "ui"}
    absent = PackageAssets("pegboard_absent", "absent", {})
    from_folder = locate_assets(
        **common, package=absent, assets_dir=tmp_path, cdn=False, cdn_url="https://c"
    )
    assert from_folder.has("app.js")
    from_cdn = locate_assets(
        **common, package=absent, assets_dir=None, cdn=True, cdn_url="https://c/x/"
    )
    assert from_cdn.has("app.js")
    assert getattr(from_cdn, "base_url", None) == "https://c/x"


# -- the real asset packages of the UI extras --------------------------------------------


@pytest.mark.parametrize("ui", sorted(UIS))
def test_each_extra_provides_every_file_as_pinned(ui: str) -> None:
    description = UIS[ui]
    found = find_in_package(description.package, description.files)
    assert found is not None, f"install {description.package.requirement}"
    assert set(found.files) == {file.name for file in description.files}
    assert set(description.pin.files) == set(found.files)
    for name, path in found.files.items():
        assert file_sri(path) == description.pin.files[name]
        assert not name.endswith(".map")


@pytest.mark.parametrize("ui", sorted(UIS))
def test_the_package_in_the_repository_is_the_pinned_one(ui: str) -> None:
    root = Path(__file__).resolve().parents[3]
    folder = root / "assets" / ui / f"pegboard_assets_{ui}"
    pin = UIS[ui].pin
    for name, digest in pin.files.items():
        assert sri((folder / name).read_bytes()) == digest
    assert f'version = "{pin.version}"' in (folder.parent / "pyproject.toml").read_text()
    pyproject = (root / "pyproject.toml").read_text()
    assert f'{ui} = ["pegboard-assets-{ui}=={pin.version}"]' in pyproject
    assert not any(path.suffix == ".map" for path in folder.iterdir())


def test_a_tampered_installed_file_stops_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A copy of the installed Swagger UI package, one byte changed, found first.
    installed = find_in_package(SWAGGER_UI.package, SWAGGER_UI.files)
    assert installed is not None
    copy = tmp_path / "site" / "pegboard_assets_swagger"
    shutil.copytree(next(iter(installed.files.values())).parent, copy)
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    App(plugins=[openapi(), swagger_ui()])  # the copy is intact: fine
    css = copy / "swagger-ui.css"
    css.write_bytes(css.read_bytes().replace(b"}", b"};", 1))
    with pytest.raises(IntegrityError, match=r"swagger-ui.css is sha384-.*, pinned sha384-"):
        App(plugins=[openapi(), swagger_ui()])


def test_the_real_bundles_are_served_compressed() -> None:
    app = App(plugins=[openapi(), swagger_ui(), redoc()])
    with TestClient(app) as client:
        response = client.get("/docs/assets/swagger-ui-bundle.js")
        raw = client.get(
            "/docs/assets/swagger-ui-bundle.js", headers={"accept-encoding": "identity"}
        )
    assert response.status_code == 200
    assert int(response.headers["content-length"]) < len(raw.content) / 2
    assert response.content == raw.content
    assert b"SwaggerUIBundle" in raw.content


def test_an_assets_dir_as_a_path_or_string(tmp_path: Path) -> None:
    folder = tmp_path / "redoc"
    folder.mkdir()
    (folder / "redoc.standalone.js").write_text("export{}")
    for given in (tmp_path, str(tmp_path), os.fspath(folder)):
        app = App(plugins=[openapi(), redoc(assets_dir=given)])
        with TestClient(app) as client:
            assert client.get("/redoc/assets/redoc.standalone.js").text == "export{}"
            assert client.get("/redoc/assets/favicon.svg").status_code == 404
            assert '<link rel="icon" href="data:,">' in client.get("/redoc").text
