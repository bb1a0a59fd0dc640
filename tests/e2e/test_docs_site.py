"""The documentation site as a reader gets it: built strictly, served on 127.0.0.1,
opened in Chromium with no other network, and searched (slow)."""

from __future__ import annotations

import functools
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.plugins.docs.browser import shared_browser, visit

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"

pytestmark = pytest.mark.slow


def nav_pages() -> list[str]:
    config = (ROOT / "mkdocs.yml").read_text()
    return re.findall(r":\s+([\w/.-]+\.md)\s*$", config, flags=re.M)


def test_every_page_is_in_the_nav():
    pages = {str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md")}
    assert sorted(pages - set(nav_pages())) == []
    assert sorted(set(nav_pages()) - pages) == []


def test_the_changelog_starts_with_the_current_version():
    from pegboard import __version__

    changelog = (DOCS / "changelog.md").read_text()
    first = re.search(r"^## (.+)$", changelog, flags=re.M)
    assert first is not None
    assert __version__ in first.group(1)


def test_the_site_loads_no_web_fonts():
    config = (ROOT / "mkdocs.yml").read_text()
    assert re.search(r"^  font: false$", config, flags=re.M)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    mkdocs = Path(sys.executable).with_name("mkdocs")
    if not mkdocs.exists():
        pytest.skip("mkdocs is not installed here (the docs dependency group has it)")
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [str(mkdocs), "build", "--strict", "--quiet", "-d", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": str(mkdocs.parent)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()


def test_the_built_site_references_nothing_outside_it(site: Path):
    found = set()
    for page in site.rglob("*.html"):
        for url in re.findall(r'(?:src|href)="(https?://[^"]+)"', page.read_text()):
            found.add(url)
    # Links a reader may follow are fine; nothing the page loads may be remote.
    loaded = {u for u in found if re.search(r"\.(css|js|woff2?|ttf)(\?|$)", u)}
    assert loaded == set()
    assert not [u for u in found if "fonts.googleapis" in u or "fonts.gstatic" in u]


def test_search_finds_pages_in_a_real_browser(served: str):
    with shared_browser() as browser, visit(browser, f"{served}/") as page_visit:
        page = page_visit.page
        search = page.locator("input[data-md-component='search-query']")
        search.click()
        search.press_sequentially("AsyncTestClient", delay=20)  # typed, key by key
        results = page.locator(".md-search-result__item")
        results.first.wait_for(timeout=30_000)
        links = [
            link.get_attribute("href") for link in page.locator(".md-search-result__link").all()
        ]
        assert any("testing/" in (href or "") for href in links), links
        assert page_visit.refused == []  # no fonts, no CDN: the site works offline
        assert page_visit.errors == []
        # Following a result opens the page, on the match.
        page.locator(".md-search-result__link").first.click()
        page.wait_for_load_state()
        assert "testing" in page.url
        assert "AsyncTestClient" in page.content()


def test_api_reference_pages_render(served: str):
    with (
        shared_browser() as browser,
        visit(browser, f"{served}/reference/parameters/", wait_for="h1") as page_visit,
    ):
        page = page_visit.page
        headings = page.locator(".doc-heading").all_inner_texts()
        for name in ("Query", "Path", "Header", "Cookie", "Body", "Form", "File", "Depends"):
            assert any(name in h for h in headings), (name, headings)
        assert page_visit.refused == []


def test_docstrings_render_without_sphinx_roles(site: Path):
    # scripts/griffe_sphinx_roles.py turns :class:`~pegboard.App` into `App`.
    # The pages rendered from docstrings (code samples elsewhere may show roles as written).
    pages = [*(site / "reference").rglob("*.html"), site / "plugins" / "hooks" / "index.html"]
    literal = [
        str(page.relative_to(site))
        for page in pages
        if re.search(r":(class|meth|func|data|attr|mod|exc):", page.read_text())
    ]
    assert literal == []
