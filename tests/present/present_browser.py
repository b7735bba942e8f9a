"""A small headless-Chromium driver over the Chrome DevTools Protocol (no browser download).

It starts the system ``chromium`` with a private profile, opens one page, and records what a
test needs to judge it: console messages, uncaught exceptions, log entries (CSP violations,
failed loads), every network request and every JavaScript dialog (which it dismisses).
"""

from __future__ import annotations

import base64
import io
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--mute-audio",
         "--hide-scrollbars", "--window-size=1280,900", "--remote-debugging-port=0",
         "--remote-allow-origins=*"]


def chromium_binary():
    """Return the path of a Chromium binary, or skip (fail when the browser is required)."""
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        p = shutil.which(name)
        if p:
            return p
    reason = "headless Chromium not found (apt-get install chromium chromium-driver)"
    if os.environ.get("NETANALYSIS_REQUIRE_BROWSER") == "1":
        pytest.fail(f"NETANALYSIS_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


class Browser:
    """One headless Chromium with one page, driven through CDP."""

    def __init__(self, binary, timeout=60.0):
        import websocket  # websocket-client

        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="netanalysis-chromium-")
        self.proc = subprocess.Popen([binary, *FLAGS, f"--user-data-dir={self.profile}",
                                      "about:blank"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = Path(self.profile) / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while not (port_file.exists() and len(port_file.read_text().splitlines()) >= 2):
            if self.proc.poll() is not None:
                raise RuntimeError(f"chromium exited with code {self.proc.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError("chromium did not open its DevTools port")
            time.sleep(0.05)
        port, ws_path = port_file.read_text().splitlines()[:2]
        self.ws = websocket.create_connection(f"ws://127.0.0.1:{port}{ws_path}",
                                              timeout=timeout, suppress_origin=True)
        self._ids = itertools.count(1)
        self.events = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget",
                                 {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", session=True)

    # -- protocol --------------------------------------------------------------------------
    def call(self, method, params=None, session=False):
        msg_id = next(self._ids)
        msg = {"id": msg_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = self.session
        self.ws.send(json.dumps(msg))
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            data = json.loads(self.ws.recv())
            if data.get("id") == msg_id:
                if "error" in data:
                    raise RuntimeError(f"{method}: {data['error']}")
                return data.get("result", {})
            self._event(data)
        raise TimeoutError(method)

    def _event(self, data):
        if "method" not in data:
            return
        self.events.append(data)
        if data["method"] == "Page.javascriptDialogOpening":
            msg = {"id": next(self._ids), "method": "Page.handleJavaScriptDialog",
                   "params": {"accept": False}, "sessionId": self.session}
            self.ws.send(json.dumps(msg))

    def pump(self, seconds):
        """Read events for `seconds`."""
        end = time.monotonic() + seconds
        self.ws.settimeout(0.05)
        try:
            while time.monotonic() < end:
                try:
                    self._event(json.loads(self.ws.recv()))
                except Exception as exc:  # websocket timeout: nothing arrived
                    if type(exc).__name__ != "WebSocketTimeoutException":
                        raise
        finally:
            self.ws.settimeout(self.timeout)

    # -- page ------------------------------------------------------------------------------
    def open(self, path, ready="window.netanalysisReady === true"):
        """Navigate to a local file and wait until the `ready` expression is true."""
        url = Path(path).resolve().as_uri()
        self.url = url
        self.events.clear()
        self.call("Page.navigate", {"url": url}, session=True)
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if any(e["method"] == "Page.loadEventFired" for e in self.events):
                break
            self.pump(0.1)
        while time.monotonic() < deadline:
            if self.eval(ready):
                return
            self.pump(0.1)
        raise TimeoutError(f"page not ready: {ready}")

    def eval(self, expression):
        """Evaluate `expression` in the page and return its value."""
        r = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                           "awaitPromise": True}, session=True)
        if "exceptionDetails" in r:
            raise RuntimeError(f"{expression}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def screenshot(self):
        """Return a PNG screenshot of the page as bytes."""
        return base64.b64decode(self.call("Page.captureScreenshot", {"format": "png"},
                                          session=True)["data"])

    # -- what happened ---------------------------------------------------------------------
    def console_errors(self):
        out = []
        for e in self.events:
            m, p = e["method"], e.get("params", {})
            if m == "Runtime.exceptionThrown":
                out.append(json.dumps(p.get("exceptionDetails", {}))[:500])
            elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert", "warning"):
                out.append(" ".join(str(a.get("value", a.get("description"))) for a in p.get("args", [])))
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") in ("error", "warning"):
                out.append(p["entry"].get("text", ""))
        return out

    def requests(self):
        """Return the URLs of every request the page made except the page itself."""
        urls = [e["params"]["request"]["url"] for e in self.events
                if e["method"] == "Network.requestWillBeSent"]
        return [u for u in urls if u != self.url and not u.startswith("data:")]

    def dialogs(self):
        return [e["params"] for e in self.events if e["method"] == "Page.javascriptDialogOpening"]

    def close(self):
        try:
            self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            shutil.rmtree(self.profile, ignore_errors=True)


def pixel_stats(png):
    """Return (number of distinct colours, variance of grey levels) of a PNG image."""
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("L")
    hist = img.histogram()
    n = sum(hist)
    mean = sum(i * h for i, h in enumerate(hist)) / n
    var = sum(h * (i - mean) ** 2 for i, h in enumerate(hist)) / n
    colours = len(Image.open(io.BytesIO(png)).convert("RGB").getcolors(maxcolors=1 << 24) or [])
    return colours, var
