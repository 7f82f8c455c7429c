"""Korean fonts: the CSS stack for people opening the report, and a bundled TTF for the figures.

Figures are drawn on the machine that writes the report, which often has no Korean system font and
no root to install one. The PyPI package ``koreanize-matplotlib`` ships NanumGothic; we use its TTF
files directly and never import the package, because importing it rewrites matplotlib's global
rcParams for the whole process.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path
from typing import Any

from axpoc._logs import warn

CSS_FONT_STACK = (
    '"Malgun Gothic", "Apple SD Gothic Neo", "Noto Sans CJK KR", "Noto Sans KR", "NanumGothic", sans-serif'
)
"""Windows, macOS, Linux (fonts-noto-cjk), web-font and Nanum names, in the order viewers usually have them."""

FALLBACK_FAMILY = "DejaVu Sans"
_FONT_PACKAGE = "koreanize_matplotlib"
_FONT_FILES = ("NanumGothic.ttf",)


def korean_font_files() -> list[Path]:
    """The NanumGothic TTF of ``koreanize-matplotlib``, found without importing it.

    Figures use the regular weight only: with a fallback family, asking for bold logs a font warning.
    """
    spec = importlib.util.find_spec(_FONT_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return []
    folder = Path(next(iter(spec.submodule_search_locations))) / "fonts"
    return [folder / name for name in _FONT_FILES if (folder / name).is_file()]


@functools.cache
def figure_font_family() -> str:
    """Register the bundled Korean font with matplotlib once and return its family name.

    Without it, warn once and fall back to DejaVu Sans: the report still renders, Korean labels in
    figures show as boxes.
    """
    files = korean_font_files()
    if not files:
        warn(
            "The Korean figure font is missing: figures fall back to DejaVu Sans and show Korean text as "
            "boxes. Install it with `pip install koreanize-matplotlib` (no root needed).",
            RuntimeWarning,
        )
        return FALLBACK_FAMILY
    from matplotlib import font_manager

    for path in files:
        font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(files[0])).get_name()


def figure_rc() -> dict[str, Any]:
    """rcParams for :func:`matplotlib.rc_context`: Korean font first, DejaVu Sans for glyphs it lacks."""
    return {
        "font.family": list(dict.fromkeys([figure_font_family(), FALLBACK_FAMILY])),
        "axes.unicode_minus": False,
        "font.size": 9.5,
        "axes.titlesize": 11,
        "axes.titlecolor": "#1f3a5f",
        "axes.labelsize": 9.5,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.edgecolor": "#9aa5b1",
        "axes.grid": True,
        "axes.axisbelow": True,
        "grid.color": "#e4e8ee",
        "grid.linewidth": 0.8,
        "xtick.color": "#3d4852",
        "ytick.color": "#3d4852",
        "legend.frameon": False,
    }
