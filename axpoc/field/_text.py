"""How the field verbs say their sentences (the table is axpoc.i18n's FieldText)."""

from __future__ import annotations

from axpoc.i18n import FieldText


def say(code: str, language: str, **values: object) -> str:
    """The field sentence ``code`` in ``language``."""
    return FieldText(code, values).text(language)


def ids_text(ids: object, limit: int = 5) -> str:
    """The first few ids of a list, and how many more."""
    values = [str(v) for v in list(ids)]  # type: ignore[call-overload]
    more = len(values) - limit
    return ", ".join(values[:limit]) + (f" … (+{more})" if more > 0 else "")
