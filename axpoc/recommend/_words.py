"""The recommend room's sentences, said through axpoc.i18n (Korean first, English selectable)."""

from __future__ import annotations

from axpoc.i18n import RecommendText


def words(code: str, language: str, **values: object) -> str:
    """One :class:`axpoc.i18n.RecommendText` in ``language``."""
    return RecommendText(code, values).text(language)
