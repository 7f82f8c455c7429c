"""Model comparison: Optuna tuning under a shared budget, leaderboard with corrected intervals."""

from axpoc.compare._compare import Comparison, compare_candidates, join_comparison
from axpoc.compare._oof import cross_fitted_decisions, out_of_fold_model, refitted_out_of_fold
from axpoc.compare._scoring import DEFAULT_PRIMARY, FIXED_THRESHOLD, Scorer, leaderboard_name, model_output
from axpoc.compare._screen import GroupLevelScreen, ScreenNote, screen_group_level
from axpoc.compare._search import Budget, CandidateResult
from axpoc.compare._shared import COLUMNS_ATTR
from axpoc.compare._stats import Interval, PairedTest, corrected_interval, corrected_paired_test
from axpoc.i18n import CompareNote

__all__ = [
    "COLUMNS_ATTR",
    "DEFAULT_PRIMARY",
    "FIXED_THRESHOLD",
    "Budget",
    "CandidateResult",
    "CompareNote",
    "Comparison",
    "GroupLevelScreen",
    "Interval",
    "PairedTest",
    "Scorer",
    "ScreenNote",
    "compare_candidates",
    "corrected_interval",
    "corrected_paired_test",
    "cross_fitted_decisions",
    "join_comparison",
    "leaderboard_name",
    "model_output",
    "out_of_fold_model",
    "refitted_out_of_fold",
    "screen_group_level",
]
