"""Process-setting recommendation (``axpoc recommend``): which settings the champion predicts to make fewer
defects for a given context, searched only where the training data is, with support and uncertainty.

Nothing here writes to the model registry; each call is one MLflow run of the project.
"""

from axpoc.recommend._controls import Control, resolve_controls
from axpoc.recommend._run import RecommendOutcome, recommend_settings, summary_line
from axpoc.recommend._search import DEFAULT_TRIALS, Candidate, Recommendation, Recommender
from axpoc.recommend._support import K_NEIGHBOURS, RADIUS_QUANTILE, Support
from axpoc.recommend._texts import RecommendText, say

__all__ = [
    "DEFAULT_TRIALS",
    "K_NEIGHBOURS",
    "RADIUS_QUANTILE",
    "Candidate",
    "Control",
    "RecommendOutcome",
    "RecommendText",
    "Recommendation",
    "Recommender",
    "Support",
    "recommend_settings",
    "resolve_controls",
    "say",
    "summary_line",
]
