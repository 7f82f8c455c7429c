"""Model comparison: Optuna tuning under a shared budget, leaderboard with corrected intervals."""

from axpoc.compare._compare import Comparison, compare_candidates
from axpoc.compare._scoring import DEFAULT_PRIMARY, Scorer, model_output
from axpoc.compare._search import Budget, CandidateResult
from axpoc.compare._stats import Interval, PairedTest, corrected_interval, corrected_paired_test

__all__ = [
    "DEFAULT_PRIMARY",
    "Budget",
    "CandidateResult",
    "Comparison",
    "Interval",
    "PairedTest",
    "Scorer",
    "compare_candidates",
    "corrected_interval",
    "corrected_paired_test",
    "model_output",
]
