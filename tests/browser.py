"""Open a local HTML file in headless Chromium and report what went wrong in it.

Static checks cannot tell whether a page's JavaScript actually runs, so the MultiQC report
check in the workflow tests loads the report for real and looks at console errors, failed
loads and uncaught exceptions. Plain DevTools Protocol over a websocket: no Selenium needed.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import websocket


@dataclass
class PageCheck:
    console_errors: list[str]  # console.error(...) calls and Log "error" entries (failed loads)
    exceptions: list[str]  # uncaught JS exceptions: message + [url:line]
    value: object  # JSON result of evaluating the expression after the page loaded


def _chromium() -> str:
    if found := shutil.which("/usr/bin/chromium") or shutil.which("chromium"):
        return found
    raise RuntimeError("chromium not found: install Debian's chromium (scripts/install.sh --tests does it)")


def _error_text(details: dict) -> str:
    return details.get("exception", {}).get("description") or details["text"]


class _Page:
    """A DevTools connection that records error events while it waits for anything else."""

    def __init__(self, ws: websocket.WebSocket, deadline: float):
        self.ws, self.deadline, self.last_id = ws, deadline, 0
        self.console_errors, self.exceptions, self.seen = [], [], set()

    def receive(self, until: float) -> dict | None:
        """The next message, or None if none came before `until`."""
        if time.monotonic() >= self.deadline:
            raise TimeoutError
        self.ws.settimeout(max(min(until, self.deadline) - time.monotonic(), 0.001))
        try:
            message = json.loads(self.ws.recv())
        except websocket.WebSocketTimeoutException:
            return None
        method, params = message.get("method"), message.get("params", {})
        self.seen.add(method)
        if method == "Runtime.consoleAPICalled" and params["type"] == "error":
            self.console_errors.append(" ".join(
                str(arg.get("value", arg.get("description", ""))) for arg in params["args"]))
        elif method == "Log.entryAdded" and (entry := params["entry"])["level"] == "error":
            self.console_errors.append(f"{entry['text']} {entry.get('url', '')}".strip())
        elif method == "Runtime.exceptionThrown":
            d = params["exceptionDetails"]
            self.exceptions.append(f"{_error_text(d)} [{d.get('url')}:{d['lineNumber'] + 1}]")
        return message

    def call(self, method: str, **params) -> dict:
        self.last_id += 1
        self.ws.send(json.dumps({"id": self.last_id, "method": method, "params": params}))
        while True:  # events arrive between the responses; receive() records them
            message = self.receive(self.deadline)
            if message and message.get("id") == self.last_id:
                if "error" in message:
                    raise AssertionError(f"DevTools {method} failed: {message['error']}")
                return message["result"]


def _kill_all(proc: subprocess.Popen, tmp: str) -> None:
    """Kill the browser and its helpers: renderer/GPU processes can outlive it and crashpad
    handlers detach into sessions of their own, but all of them name `tmp` in their arguments."""
    proc.kill()
    proc.wait()
    for _ in range(100):  # until none is alive (a zombie's cmdline is empty; init reaps it)
        alive = False
        for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
            with contextlib.suppress(OSError):  # it exited while we looked
                if f"{tmp}/".encode() in cmdline.read_bytes():
                    os.kill(int(cmdline.parent.name), signal.SIGKILL)
                    alive = True
        if not alive:
            return
        time.sleep(0.05)


def open_in_chromium(html: Path, expression: str = "null", settle_seconds: float = 2.0,
                     timeout: float = 90.0) -> PageCheck:
    """Load `html`, let it settle, evaluate `expression`; return the errors seen and its value."""
    if not html.is_file():
        raise FileNotFoundError(html)
    chromium, deadline = _chromium(), time.monotonic() + timeout
    with tempfile.TemporaryDirectory(prefix="chromium-check-", ignore_cleanup_errors=True) as tmp:
        profile, log = Path(tmp, "profile"), Path(tmp, "chromium.log")
        with open(log, "wb") as log_file:
            proc = subprocess.Popen(
                [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--no-default-browser-check", "--disable-dev-shm-usage",
                 "--remote-debugging-port=0", f"--user-data-dir={profile}", "about:blank"],
                stdout=log_file, stderr=log_file,
                env={**os.environ, "XDG_CONFIG_HOME": tmp})  # crashpad's database, not ~/.config
        try:
            # Port 0 lets Chromium pick a free port; it announces the choice in this file.
            port_file = profile / "DevToolsActivePort"
            while not (port_file.exists() and port_file.read_text().strip()):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"Chromium did not start:\n{log.read_text()[-2000:]}")
                time.sleep(0.05)
            port = port_file.read_text().split()[0]
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
                url = next(t["webSocketDebuggerUrl"] for t in json.load(r) if t["type"] == "page")
            # Since v111 Chromium may refuse handshakes whose Origin --remote-allow-origins
            # does not list; sending none keeps that from ever mattering.
            ws = websocket.create_connection(url, timeout=10, suppress_origin=True)
            with contextlib.closing(ws):
                page = _Page(ws, deadline)
                for domain in ("Runtime", "Log", "Page"):
                    page.call(f"{domain}.enable")
                page.seen.clear()  # a late load event of about:blank must not count as ours
                page.call("Page.navigate", url=html.resolve().as_uri())
                while "Page.loadEventFired" not in page.seen:
                    page.receive(deadline)
                settled = time.monotonic() + settle_seconds  # plots render (and fail) after load
                while time.monotonic() < settled:
                    page.receive(settled)
                result = page.call("Runtime.evaluate", expression=expression,
                                   returnByValue=True, awaitPromise=True)
        except (TimeoutError, websocket.WebSocketTimeoutException):
            raise TimeoutError(f"Chromium check of {html} took longer than {timeout} s") from None
        finally:
            _kill_all(proc, tmp)
    if "exceptionDetails" in result:
        raise AssertionError(f"evaluating {expression!r} threw: "
                             f"{_error_text(result['exceptionDetails'])}")
    return PageCheck(page.console_errors, page.exceptions, result["result"].get("value"))
