"""Process-setting recommendation (``axpoc recommend``): which settings the champion predicts to make fewer
defects for a given context, searched only where the training data is, with support and uncertainty.

Nothing here writes to the model registry; each call is one MLflow run of the project.
"""

from axpoc.recommend._controls import Control, resolve_controls
from axpoc.recommend._run import RecommendOutcome, load_recommender, recommend_settings, summary_line
from axpoc.recommend._search import DEFAULT_TRIALS, Candidate, Recommendation, Recommender
from axpoc.recommend._support import K_NEIGHBOURS, RADIUS_QUANTILE, Support
from axpoc.recommend._words import words

__all__ = [
    "DEFAULT_TRIALS",
    "K_NEIGHBOURS",
    "RADIUS_QUANTILE",
    "Candidate",
    "Control",
    "RecommendOutcome",
    "Recommendation",
    "Recommender",
    "Support",
    "load_recommender",
    "recommend_settings",
    "resolve_controls",
    "summary_line",
    "words",
]
