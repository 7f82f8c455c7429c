"""Headless Chromium: the report as PDF for printing and e-mail, and as PNG for the screenshot test.

Chromium is optional: without it both functions return None and the HTML report is the deliverable.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from axpoc.errors import AxpocError, UserError

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT_S = 120.0


def find_chromium() -> str | None:
    """The first Chromium-like browser on PATH, or None."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def _run_headless(html_path: Path, out_path: Path, flags: list[str], *, timeout: float) -> Path | None:
    """Run Chromium on ``html_path`` with ``flags`` that write to ``{out}``; move the result to ``out_path``."""
    browser = find_chromium()
    if browser is None:
        return None
    html_path = Path(html_path)
    if not html_path.is_file():
        raise UserError(f"Report file {html_path} does not exist; write the report first, then export it.")
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="axpoc-chromium-") as scratch:
        produced = Path(scratch) / f"out{out_path.suffix}"
        argv = [
            browser,
            "--headless",
            "--no-sandbox",  # root in containers and CI; the page is our own static file
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-extensions",
            "--hide-scrollbars",
            f"--user-data-dir={Path(scratch) / 'profile'}",
            *(flag.format(out=produced) for flag in flags),
            html_path.resolve().as_uri(),
        ]
        try:
            completed = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise AxpocError(f"{browser} did not finish within {timeout:.0f} s on {html_path}.") from exc
        if not produced.is_file() or produced.stat().st_size == 0:
            tail = (completed.stderr or completed.stdout).strip()[-800:]
            raise AxpocError(
                f"{browser} wrote nothing for {html_path} (exit code {completed.returncode}): {tail}"
            )
        shutil.move(produced, out_path)  # a rename (atomic) when on one file system, else a copy
    return out_path


def export_pdf(html_path: Path, pdf_path: Path, *, timeout: float = TIMEOUT_S) -> Path | None:
    """Print the report to PDF (A4, the report's print CSS); None when no Chromium is installed."""
    flags = ["--no-pdf-header-footer", "--print-to-pdf={out}"]
    return _run_headless(html_path, pdf_path, flags, timeout=timeout)


def screenshot(
    html_path: Path, png_path: Path, *, width: int = 1280, height: int = 2400, timeout: float = TIMEOUT_S
) -> Path | None:
    """A PNG of the top ``width`` x ``height`` pixels of the page; None when no Chromium is installed."""
    flags = [f"--window-size={width},{height}", "--force-device-scale-factor=1", "--screenshot={out}"]
    return _run_headless(html_path, png_path, flags, timeout=timeout)
