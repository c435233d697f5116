"""Drive the dashboard in a real browser: Voila on 127.0.0.1 and Debian's Chromium through Playwright.

Used by the browser tests and by ``benchmarks/bench_dashboard.py``. Voila is
started the way ``ledgerkit serve`` should start it: the dashboard notebook,
the ``ledgerkit`` template (no internet fonts, keyboard shortcuts, page-wide
file drop; found through ``JUPYTER_PATH``), a preheated kernel, loopback only,
``port_retries=0`` so a busy port fails instead of silently moving.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "notebooks" / "dashboard.ipynb"
TEMPLATE_ROOT = REPO / "notebooks" / "jupyter"        # holds voila/templates/ledgerkit
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
INTERNET_FONT_HOSTS = ("cdn.jsdelivr.net", "fonts.googleapis.com", "fonts.gstatic.com")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Voila:
    """A Voila server on the dashboard for one workspace (``with Voila(ws, log) as v: v.url``)."""

    def __init__(self, workspace: Path, log_path: Path, *, preheat: bool = True, template: bool = True,
                 fill_delay: float = 30, extra_env: dict | None = None):
        self.workspace = Path(workspace)
        self.log_path = Path(log_path)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.preheat = preheat
        self.template = template
        self.fill_delay = fill_delay
        self.extra_env = extra_env or {}
        self.proc: subprocess.Popen | None = None
        self._log = None
        self._home = None

    def __enter__(self) -> Voila:
        self._home = Path(tempfile.mkdtemp(prefix="lk-voila-home-"))
        env = dict(os.environ, LEDGERKIT_WORKSPACE=str(self.workspace.resolve()),
                   MPLCONFIGDIR=str(self._home / "mpl"), IPYTHONDIR=str(self._home / "ipython"),
                   JUPYTER_RUNTIME_DIR=str(self._home / "runtime"), **self.extra_env)
        if self.template:
            env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(TEMPLATE_ROOT), os.environ.get("JUPYTER_PATH"))
                                                  if p)
        voila = Path(sys.executable).with_name("voila")
        cmd = [str(voila), str(NOTEBOOK), "--no-browser", f"--port={self.port}", "--Voila.ip=127.0.0.1",
               "--Voila.port_retries=0", "--show_tracebacks=True"]
        if self.template:
            cmd.append("--template=ledgerkit")
        if self.preheat:
            # refill the pool only after the first interactions (a refill runs the whole notebook)
            cmd += ["--preheat_kernel=True", f"--VoilaKernelManager.fill_delay={self.fill_delay}"]
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("w")
        self.proc = subprocess.Popen(cmd, env=env, stdout=self._log, stderr=subprocess.STDOUT, cwd=str(REPO))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"voila exited with {self.proc.returncode}; see {self.log_path}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 0.2):
                break
            time.sleep(0.1)
        else:
            raise RuntimeError(f"voila did not answer on port {self.port}; see {self.log_path}")
        return self

    def wait_preheated(self, timeout: float = 300, quiet: float = 1.5) -> float:
        """Wait until Voila and its kernels are idle: the preheated kernel has run the notebook.
        Returns the seconds waited."""
        import psutil

        start = time.monotonic()
        parent = psutil.Process(self.proc.pid)

        def cpu() -> tuple[int, float]:
            procs = [parent, *parent.children(recursive=True)]
            total = 0.0
            for p in procs:
                with contextlib.suppress(psutil.Error):
                    t = p.cpu_times()
                    total += t.user + t.system
            return len(procs), total

        time.sleep(1.0)
        last = cpu()
        calm_since = None
        while time.monotonic() - start < timeout:
            time.sleep(0.5)
            now = cpu()
            busy = now[1] - last[1] > 0.05 or (self.preheat and now[0] < 2)
            last = now
            if busy:
                calm_since = None
            elif calm_since is None:
                calm_since = time.monotonic()
            elif time.monotonic() - calm_since >= quiet:
                break
        return time.monotonic() - start

    def __exit__(self, *exc) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if self._log:
            self._log.close()
        if self._home:
            shutil.rmtree(self._home, ignore_errors=True)


@contextlib.contextmanager
def chromium(width: int = 1500, height: int = 1000) -> Iterator[tuple[object, list[str]]]:
    """A fresh headless Chromium page and the list its console errors are collected into."""
    from playwright.sync_api import sync_playwright

    profile = Path(tempfile.mkdtemp(prefix="lk-chromium-"))
    errors: list[str] = []
    try:
        with sync_playwright() as p:
            context = p.chromium.launch_persistent_context(
                str(profile), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
                viewport={"width": width, "height": height}, accept_downloads=True)
            page = context.pages[0] if context.pages else context.new_page()
            page.on("console", lambda m: errors.append(f"console.{m.type}: {m.text}")
                    if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
            page.on("requestfailed", lambda r: errors.append(f"requestfailed: {r.url}"))
            try:
                yield page, errors
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def real_errors(errors: list[str]) -> list[str]:
    """Console errors other than blocked internet fonts."""
    return [e for e in errors if not any(h in e for h in INTERNET_FONT_HOSTS)
            and not ("ERR_NAME_NOT_RESOLVED" in e and "Failed to load resource" in e)]


def canvas_painted(page, selector: str = ".lk-grid canvas", min_dark: int = 500) -> bool:
    """True once the grid canvas shows content (cells are drawn, the DOM has no text)."""
    return page.evaluate(
        """([sel, need]) => {
            for (const c of document.querySelectorAll(sel)) {
                if (!c.width || !c.height) continue;
                const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                let dark = 0;
                for (let i = 0; i < d.length; i += 16) { if (d[i] < 100 && d[i+1] < 100 && d[i+2] < 100) dark++; }
                if (dark > need) return true;
            }
            return false;
        }""", [selector, min_dark])


def wait_for(predicate, timeout: float = 30, interval: float = 0.05, what: str = "condition") -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout} s waiting for {what}")


def banner_text(page) -> str:
    """The dashboard's status banner (above the panels)."""
    el = page.query_selector(".lk-status .lk-banner")
    return el.inner_text() if el else ""


def wait_banner(page, contains: str, timeout: float = 30) -> float:
    """Seconds until the status banner contains ``contains``; fails on an error banner."""
    def check():
        text = banner_text(page)
        if page.query_selector(".lk-status .lk-banner-error") and contains not in text:
            raise AssertionError(f"error shown instead of {contains!r}: {text}")
        return contains in text
    return wait_for(check, timeout, what=f"banner {contains!r}")


def grid_cell_center(page, row: int, column: str, widths: dict, row_header: int, header: int,
                     row_size: int) -> tuple[float, float]:
    box = page.locator(".lk-grid").bounding_box()
    x = box["x"] + row_header
    for name, width in widths.items():
        if name == column:
            x += width / 2
            break
        x += width
    y = box["y"] + header + row * row_size + row_size / 2
    return x, y


def tab(page, title: str) -> None:
    page.click(f".lk-tabs .lm-TabBar-tab:has-text('{title}')")


def drop_files(page, paths: list) -> None:
    """Drag files onto the page (a real drop event carrying File objects), as a person would."""
    import base64
    payload = [{"name": Path(p).name, "b64": base64.b64encode(Path(p).read_bytes()).decode()} for p in paths]
    page.evaluate(
        """(files) => {
            const dt = new DataTransfer();
            for (const f of files) {
                const bin = atob(f.b64);
                const bytes = new Uint8Array(bin.length);
                for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
                dt.items.add(new File([bytes], f.name));
            }
            const target = document.querySelector('.lk-main') || document.body;
            target.dispatchEvent(new DragEvent('dragover', {dataTransfer: dt, bubbles: true, cancelable: true}));
            target.dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));
        }""", payload)
