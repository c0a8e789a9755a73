"""`checker class`'s dashboard in a real browser: headless Chromium (Debian's `chromium` package,
driven by Playwright for Python — `pip install -e '.[class]'`, never `playwright install`) renders
the 30-learner class; the grid, the charts and the misconceptions must be visible, and a
screenshot is kept as a test artifact: in $CHECKER_ARTIFACTS when set, else in the test's
tmp_path (its path is printed)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from checker.workbook.catalog import load_catalog
from tests.classgen import write_class

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no `chromium` on PATH (Debian: apt-get install chromium)"
)


def test_the_dashboard_renders_in_headless_chromium(
    tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright is not installed: pip install -e '.[class]'"
    )
    monkeypatch.setenv("CHECKER_ROOT", str(ROOT))
    write_class(load_catalog(ROOT), tmp_path / "reports")
    result = cli("class", str(tmp_path / "reports"), "--out", str(tmp_path / "out"))
    assert result.code == 0, result
    artifacts = Path(os.environ.get("CHECKER_ARTIFACTS") or tmp_path)
    artifacts.mkdir(parents=True, exist_ok=True)
    shot = artifacts / "dashboard.png"
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            failed: list[str] = []
            page.on("requestfailed", lambda request: failed.append(request.url))
            page.goto((tmp_path / "out/dashboard.html").as_uri())
            grid = page.locator("#progress-grid")
            assert grid.is_visible()
            assert page.locator("#progress-grid tbody tr").count() == 30
            assert page.locator("#progress-grid [data-status='tampered']").first.is_visible()
            assert page.locator("#kata-rates svg.chart").is_visible()
            assert page.locator("#check-rates svg.chart").is_visible()
            assert page.locator("#check-rates svg.chart g.bar").count() > 0
            first = page.locator("#misconceptions .misconception").first
            assert first.is_visible() and "2.3" in first.inner_text()
            assert page.locator("#notes").is_visible()  # the mixed releases
            # Laid out, not overflowing into each other: the grid is wider than tall per row.
            box = grid.bounding_box()
            assert box is not None and box["width"] > 600
            page.screenshot(path=str(shot), full_page=True)
            assert failed == []  # offline: nothing fetched
        finally:
            browser.close()
    print(f"dashboard screenshot: {shot}")
    assert shot.stat().st_size > 10_000
