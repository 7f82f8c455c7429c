"""Korean really renders in headless Chromium, with the report's own CSS font stack.

Method: a probe strip is laid over the bottom of a real Korean report (it inherits the report's
``body`` font stack) with two different Hangul words at 120 px and two private-use characters. When
no font on the machine has Hangul, Chromium draws every syllable as the same missing-glyph box (or
nothing), so the two words come out pixel-identical and look like the private-use reference. With
a Korean font the two words have ink and differ strongly from each other and from the reference
(measured: 0.62 and 0.89 of the inked pixels differ with fonts-noto-cjk; exactly 0 with DejaVu only).
Font names in the PDF cannot be used instead: Skia embeds CJK fonts as unnamed Type 3 fonts.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from axpoc.report import ReportData, export_pdf, find_chromium, render_report, screenshot

WIDTH, HEIGHT = 1280, 2400
PROBE_TOP = HEIGHT - 400
WORD_A, WORD_B, MISSING = "합격", "불량", "\ue000\ue001"
PROBE = f"""
<div id="glyph-probe" style="position:fixed;left:0;top:{PROBE_TOP}px;width:{WIDTH}px;height:400px;
  background:#fff;color:#000;font-size:120px;line-height:1;z-index:1000">
  <div style="position:absolute;left:40px;top:40px">{WORD_A}</div>
  <div style="position:absolute;left:680px;top:40px">{WORD_B}</div>
  <div style="position:absolute;left:40px;top:220px">{MISSING}</div>
</div>
"""
GREEN = np.array([0x2E, 0x7D, 0x32])  # the champion verdict badge


def _korean_font_installed() -> bool:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    found = subprocess.run(
        [fc_list, ":lang=ko", "family"], capture_output=True, text=True, timeout=60, check=False
    )
    return bool(found.stdout.strip())


@pytest.fixture
def chromium(require_system: Callable[[str, bool], None]) -> None:
    require_system("headless Chromium (Debian package chromium)", find_chromium() is not None)
    require_system("a Korean font for Chromium (Debian package fonts-noto-cjk)", _korean_font_installed())


def _ink(image: np.ndarray, left: int, top: int, width: int = 560, height: int = 150) -> np.ndarray:
    """Dark pixels of one probe cell, as a boolean mask."""
    return image[PROBE_TOP + top : PROBE_TOP + top + height, left : left + width].mean(axis=2) < 128


def _difference(a: np.ndarray, b: np.ndarray) -> float:
    """Share of inked pixels that only one of the two masks has (0 identical, 1 disjoint)."""
    union = (a | b).sum()
    return float((a ^ b).sum() / union) if union else 0.0


def _korean_report(tmp_path: Path, data: ReportData) -> Path:
    html = render_report(data).replace("</body>", PROBE + "</body>")
    path = tmp_path / "report.html"
    path.write_text(html, encoding="utf-8")
    return path


def test_korean_glyphs_render_in_headless_chromium(
    chromium: None, tmp_path: Path, make_report_data: Callable[..., ReportData]
) -> None:
    from PIL import Image

    html = _korean_report(tmp_path, make_report_data("binary"))
    png = screenshot(html, tmp_path / "report.png", width=WIDTH, height=HEIGHT)
    assert png is not None
    image = np.asarray(Image.open(png).convert("RGB")).astype(int)
    assert image.shape == (HEIGHT, WIDTH, 3)

    word_a, word_b, missing = _ink(image, 40, 30), _ink(image, 680, 30), _ink(image, 40, 210)
    assert word_a.mean() > 0.04 and word_b.mean() > 0.04, "the Korean words left (almost) no ink"
    assert _difference(word_a, word_b) > 0.3, "two different Hangul words render alike: missing-glyph boxes"
    assert _difference(word_a, missing) > 0.3, "Hangul renders like characters no font has"

    page = image[:PROBE_TOP]
    assert (page.mean(axis=2) < 128).mean() > 0.005, "the report itself rendered blank"
    badge = (np.abs(page[:1000] - GREEN).sum(axis=2) < 30).sum()
    assert badge > 5_000, f"the green champion verdict badge is missing from the top of the page ({badge} px)"


def test_pdf_export_prints_the_report(
    chromium: None, tmp_path: Path, make_report_data: Callable[..., ReportData]
) -> None:
    html = tmp_path / "report.html"
    html.write_text(render_report(make_report_data("regression")), encoding="utf-8")
    pdf = export_pdf(html, tmp_path / "out" / "report.pdf")
    assert pdf == tmp_path / "out" / "report.pdf"
    content = pdf.read_bytes()
    assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type\s*/Page(?![a-z])", content)) >= 3, "expected a multi-page A4 print"
    assert list((tmp_path / "out").iterdir()) == [pdf]


def test_without_chromium_there_is_no_pdf_and_no_screenshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_report_data: Callable[..., ReportData]
) -> None:
    html = tmp_path / "report.html"
    html.write_text(render_report(make_report_data("undefined")), encoding="utf-8")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_chromium() is None
    assert export_pdf(html, tmp_path / "report.pdf") is None
    assert screenshot(html, tmp_path / "report.png") is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]
