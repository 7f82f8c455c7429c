"""Everything axpoc says to a reader, in Korean (first) and English: one mechanism, one place.

A :class:`Phrase` is a sentence with a template code and values; it *is* its English text (logs, JSON,
MLflow tags), and ``phrase.text("ko")`` or :func:`say` says it in the reader's language. Each room's
sentences are a ``Phrase`` subclass here, with its ``code -> (Korean, English)`` table; the report's fixed
words are :func:`texts`. This package imports only the standard library, so every room can speak Korean
without importing another room.
"""

from axpoc.i18n._compare import CompareNote, ScreenNote
from axpoc.i18n._config import PYDANTIC_TYPES, ConfigText
from axpoc.i18n._console import ConsoleText, console_text
from axpoc.i18n._data import DirtyNote, LeakNote, ProblemNote, ReadNote, SplitNote
from axpoc.i18n._field import FieldText, field_texts
from axpoc.i18n._flows import (
    BatchNote,
    CombineNote,
    DriftNote,
    InputFlag,
    PrepareNote,
    ProductNote,
    RecoveryNote,
)
from axpoc.i18n._kpi import RULE_LABELS, GateText, Reason, RuleText, policy_label
from axpoc.i18n._models import SkipReason
from axpoc.i18n._phrase import LANGUAGES, Joined, Phrase, Stored, joined, say, stored
from axpoc.i18n._recommend import RecommendText
from axpoc.i18n._report import (
    ContractText,
    DecisionReason,
    RetrainNote,
    RuleNote,
    decision_text,
    gate_reason,
    say_check,
)
from axpoc.i18n._words import drift_texts, retrain_texts, texts

__all__ = [
    "LANGUAGES",
    "PYDANTIC_TYPES",
    "RULE_LABELS",
    "BatchNote",
    "CombineNote",
    "CompareNote",
    "ConfigText",
    "ConsoleText",
    "ContractText",
    "DecisionReason",
    "DirtyNote",
    "DriftNote",
    "FieldText",
    "GateText",
    "InputFlag",
    "Joined",
    "LeakNote",
    "Phrase",
    "PrepareNote",
    "ProblemNote",
    "ProductNote",
    "ReadNote",
    "Reason",
    "RecommendText",
    "RecoveryNote",
    "RetrainNote",
    "RuleNote",
    "RuleText",
    "ScreenNote",
    "SkipReason",
    "SplitNote",
    "Stored",
    "console_text",
    "decision_text",
    "drift_texts",
    "field_texts",
    "gate_reason",
    "joined",
    "policy_label",
    "retrain_texts",
    "say",
    "say_check",
    "stored",
    "texts",
]
