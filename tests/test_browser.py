"""What the headless-Chromium page check reports, on small pages written for each case."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from tests import browser
from tests.browser import open_in_chromium

pytestmark = pytest.mark.workflow  # test tier (README, "Tests"): a real browser (Chromium)


def page(tmp_path: Path, body: str) -> Path:
    html = tmp_path / "page.html"
    html.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'></head>"
                    f"<body>{body}</body></html>")
    return html


def test_a_clean_page_reports_nothing_and_its_scripts_have_run_before_evaluation(tmp_path):
    html = page(tmp_path, """<div id="plot"></div><script>
        const p = document.createElement("p");
        p.id = "built"; p.textContent = "drawn by JS";
        document.getElementById("plot").append(p);
    </script>""")
    check = open_in_chromium(html, "document.getElementById('built').textContent",
                             settle_seconds=0.2)
    assert check.console_errors == []
    assert check.exceptions == []
    assert check.value == "drawn by JS"


def test_console_error_calls_are_reported(tmp_path):
    check = open_in_chromium(page(tmp_path, '<script>console.error("boom")</script>'),
                             settle_seconds=0.2)
    assert check.console_errors == ["boom"]
    assert check.exceptions == []


def test_uncaught_exceptions_are_reported_with_where_they_happened(tmp_path):
    html = page(tmp_path, '<script>throw new Error("kaput")</script>')
    check = open_in_chromium(html, settle_seconds=0.2)
    assert len(check.exceptions) == 1
    assert "kaput" in check.exceptions[0]
    assert html.as_uri() in check.exceptions[0]


def test_missing_local_files_are_reported_as_failed_loads(tmp_path):
    # Chromium logs each failed load as a Log.entryAdded error naming the URL; no JS exception.
    html = page(tmp_path, '<img src="missing.png"><script src="missing.js"></script>')
    check = open_in_chromium(html, settle_seconds=0.2)
    for name in ("missing.png", "missing.js"):
        assert any("ERR_FILE_NOT_FOUND" in e and (tmp_path / name).as_uri() in e
                   for e in check.console_errors), check.console_errors
    assert check.exceptions == []


def test_errors_after_the_load_event_are_caught_within_the_settle_time(tmp_path):
    html = page(tmp_path, '<script>setTimeout(() => { throw new Error("late") }, 500)</script>')
    check = open_in_chromium(html, settle_seconds=1.0)
    assert len(check.exceptions) == 1 and "late" in check.exceptions[0]


def test_the_expression_may_await_a_promise_and_a_throwing_one_fails_the_check(tmp_path):
    html = page(tmp_path, "")
    assert open_in_chromium(html, "Promise.resolve({n: 42})", settle_seconds=0).value == {"n": 42}
    with pytest.raises(AssertionError, match="nope"):
        open_in_chromium(html, "(() => { throw new Error('nope') })()", settle_seconds=0)


def test_a_check_that_never_finishes_fails_with_a_clear_timeout(tmp_path):
    with pytest.raises(TimeoutError, match="took longer than 2 s"):
        open_in_chromium(page(tmp_path, ""), "new Promise(() => {})", settle_seconds=0, timeout=2)


def test_chromium_and_its_temporary_profile_are_gone_afterwards_even_after_a_failure(
        tmp_path, monkeypatch):
    # Every Chromium process names its temp dir on its command line, so a private temp
    # root tells ours apart from browsers other test runs may have open.
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    html = page(tmp_path, "<p>hi</p>")
    open_in_chromium(html, settle_seconds=0)
    with pytest.raises(AssertionError):
        open_in_chromium(html, "no_such_variable", settle_seconds=0)
    assert list(scratch.iterdir()) == []
    alive = []  # zombies have an empty cmdline: dead, only waiting for init to reap them
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if str(scratch).encode() in (args := cmdline.read_bytes()):
                alive.append(args.replace(b"\0", b" ").decode()[:120])
        except OSError:
            pass  # exited while we looked
    assert alive == []


def test_without_chromium_the_error_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setattr(browser.shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="scripts/install.sh"):
        open_in_chromium(page(tmp_path, ""))


def test_a_missing_page_is_an_error_before_chromium_starts(tmp_path):
    with pytest.raises(FileNotFoundError):
        open_in_chromium(tmp_path / "absent.html")
