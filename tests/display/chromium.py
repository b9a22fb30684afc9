"""Headless Chromium driven over the DevTools protocol, for testing the server's web pages.

A real browser (Debian's /usr/bin/chromium) with a fresh profile; `Browser.open(url)`
loads a page, `evaluate(js)` runs an expression in it, `wait_for(js)` polls until the
expression is truthy. Page errors and console messages are collected in `.log`, and every
URL the page asked for in `.requests`. The browser resolves no host name but 127.0.0.1 and
localhost, as in a hall without internet: a page that needs an outside host shows it.
`axe()` runs axe-core (installed by scripts/setup.sh) on the page; `viewport()` sets the
screen's size.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from websockets.sync.client import ClientConnection, connect

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-port=0",
    "--remote-allow-origins=*",
    # No outside host: every name but the machine's own fails to resolve.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / ".tools" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


class BrowserError(RuntimeError):
    """Chromium did not start, or the page did something the test did not expect."""


class Browser:
    def __init__(self, *, width: int = 1920, height: int = 1080, timeout: float = 30.0) -> None:
        if not Path(CHROMIUM).exists():
            raise BrowserError(f"{CHROMIUM} is not installed")
        self.timeout = timeout
        self.log: list[str] = []
        self.requests: list[str] = []
        self._ids = itertools.count(1)
        self._stack = contextlib.ExitStack()
        self._profile = Path(tempfile.mkdtemp(prefix="kolejka-chromium-"))
        self._process = subprocess.Popen(
            [
                CHROMIUM,
                *FLAGS,
                f"--user-data-dir={self._profile}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            self._ws = self._attach()
            self.send("Runtime.enable")
            self.send("Page.enable")
            self.send("Network.enable")
        except Exception:
            self.close()
            raise

    def _attach(self) -> ClientConnection:
        port_file = self._profile / "DevToolsActivePort"
        deadline = time.monotonic() + self.timeout
        while not port_file.exists() or not port_file.read_text().strip():
            if self._process.poll() is not None or time.monotonic() > deadline:
                raise BrowserError("chromium did not open its DevTools port")
            time.sleep(0.05)
        port = int(port_file.read_text().split()[0])
        while True:
            try:
                targets = httpx.get(f"http://127.0.0.1:{port}/json/list", timeout=5).json()
                page = next(t for t in targets if t.get("type") == "page")
                break
            except (httpx.HTTPError, StopIteration):
                if time.monotonic() > deadline:
                    raise BrowserError("chromium has no page target") from None
                time.sleep(0.05)
        return self._stack.enter_context(
            connect(page["webSocketDebuggerUrl"], max_size=None, open_timeout=self.timeout)
        )

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Call a DevTools method and return its result (events meanwhile go to the log)."""
        call_id = next(self._ids)
        self._ws.send(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:
            message = json.loads(self._ws.recv(timeout=self.timeout))
            if message.get("id") == call_id:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result
            self._record(message)

    def _record(self, message: dict[str, Any]) -> None:
        method = message.get("method")
        params = message.get("params", {})
        if method == "Runtime.consoleAPICalled":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            self.log.append(f"console.{params['type']}: {text}")
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            self.log.append(f"exception: {text}")
        elif method == "Network.requestWillBeSent":
            self.requests.append(params["request"]["url"])

    def open(self, url: str) -> None:
        self.send("Page.navigate", url=url)
        self.wait_for("document.readyState === 'complete'")

    def evaluate(self, expression: str, *, await_promise: bool = False) -> Any:
        result = self.send(
            "Runtime.evaluate",
            expression=expression,
            returnByValue=True,
            awaitPromise=await_promise,
        )
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            raise BrowserError(f"{expression[:200]}: {text}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float | None = None) -> Any:
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise BrowserError(f"timed out waiting for {expression}; log: {self.log}")
            time.sleep(0.05)

    def viewport(self, width: int, height: int, *, mobile: bool = False) -> None:
        """The page's screen: a phone (`mobile`, touch) or a TV, at 1 CSS pixel a dot."""
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=mobile,
        )
        self.send("Emulation.setTouchEmulationEnabled", enabled=mobile)

    def axe(self, tags: list[str] = WCAG_AA) -> list[dict[str, Any]]:
        """axe-core's violations of the page as it is now (rule id, help, the nodes' HTML).

        Every rule with one of `tags`, the experimental ones too (axe leaves those out of a
        run by tag, and WCAG 2.5.3's label-content-name-mismatch is one of them)."""
        if not AXE.exists():
            raise BrowserError(f"{AXE} is missing: run scripts/setup.sh")
        if not self.evaluate("typeof window.axe === 'object'"):
            self.evaluate(AXE.read_text(encoding="utf-8") + ";true")
        found: list[dict[str, Any]] = self.evaluate(
            f"axe.run(document, {{runOnly: {{type: 'rule', values: "
            f"axe.getRules({json.dumps(tags)}).map(r => r.ruleId)}}}})"
            ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
            "nodes: v.nodes.map(n => n.html.slice(0, 200) + ' — ' + n.failureSummary)})))",
            await_promise=True,
        )
        return found

    def screenshot(self, path: Path) -> None:
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        self._stack.close()
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
