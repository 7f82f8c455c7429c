"""Sentences that know their template: English for logs and MLflow, Korean or English for the reader.

A :class:`Phrase` *is* its English sentence (a ``str``), so it travels unchanged through ``dict[str, str]``,
JSON, MLflow tags and comparisons with the English text; a report, a notebook or the console calls
:meth:`Phrase.text` (or :func:`say`) to say it in the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar, Self

LANGUAGES = ("ko", "en")
"""The languages a reader can choose; Korean first."""


class Phrase(str):
    """A sentence built from a template ``code`` and ``values``; subclasses bring their template table.

    Values that are phrases themselves are said in the same language, so reasons can nest.
    """

    templates: ClassVar[Mapping[str, tuple[str, str]]] = MappingProxyType({})
    """code -> (Korean, English) ``str.format`` templates."""
    code: str
    values: Mapping[str, object]

    def __new__(cls, code: str, values: Mapping[str, object] | None = None) -> Self:
        frozen = MappingProxyType(dict(values or {}))
        self = super().__new__(cls, cls._fill(code, frozen, "en"))
        self.code = code
        self.values = frozen
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.code, dict(self.values)))

    def text(self, language: str) -> str:
        """The sentence in ``language``: Korean for ``ko``, English otherwise."""
        return self._fill(self.code, self.values, language)

    @classmethod
    def _fill(cls, code: str, values: Mapping[str, object], language: str) -> str:
        korean, english = cls.templates[code]
        words = {k: v.text(language) if isinstance(v, Phrase) else v for k, v in values.items()}
        words |= cls._derived(words, language)
        return (korean if language == "ko" else english).format(**words)

    @classmethod
    def _derived(cls, values: Mapping[str, object], language: str) -> dict[str, object]:
        """Extra template values that depend on the language (a currency word, a method name)."""
        return {}


class Joined(Phrase):
    """Several sentences (phrases or plain text) said one after another, separated by "; "."""

    templates = MappingProxyType({"join": ("", "")})

    @classmethod
    def _fill(cls, code: str, values: Mapping[str, object], language: str) -> str:
        parts = values["parts"]
        assert isinstance(parts, tuple)
        return "; ".join(p.text(language) if isinstance(p, Phrase) else str(p) for p in parts)


def joined(*parts: str) -> Joined:
    """``parts`` as one sentence: each said in the reader's language when it is a :class:`Phrase`."""
    return Joined("join", {"parts": tuple(parts)})


def say(text: str, language: str) -> str:
    """``text`` in ``language`` when it is a :class:`Phrase`; any other text (free-form, a user's) as it is."""
    return text.text(language) if isinstance(text, Phrase) else str(text)


class Stored(Phrase):
    """A sentence read back from storage (a registry tag) in the two languages it was stored in."""

    templates = MappingProxyType({"pair": ("{ko}", "{en}")})


def stored(english: str, korean: str | None) -> str:
    """``english`` as a phrase that says ``korean`` in Korean; plain ``english`` when no Korean was stored."""
    return Stored("pair", {"ko": korean, "en": english}) if korean else english
