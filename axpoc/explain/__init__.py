"""Why a model scores as it does, always in the user's own columns.

One room for every explanation axpoc gives: ``axpoc predict --explain`` and the HTTP server show each
row's top contributing columns (:func:`contributions`: exact where the model's family gives them, e.g.
LightGBM's SHAP values, occlusion otherwise); the report ranks the columns by
:func:`permutation_importance` and draws the :func:`average_effects` of the top ones. Encoded columns
(one-hot levels, missing-value indicators, curve features) are summed back to the column they come from
through the Preprocessor's ``feature_sources_``.
"""

from axpoc.explain._global import average_effects, permutation_importance
from axpoc.explain._rows import Contributions, contributions, occlusion

__all__ = ["Contributions", "average_effects", "contributions", "occlusion", "permutation_importance"]
