"""Generic process: for data that fits no process template.

No typical columns, no demo data and no gates: the config names the target, the roles and the gates.
The default candidates are tree ensembles, which serve classification and regression alike and need no
scaling or feature engineering to give a first baseline.
"""

from __future__ import annotations

from axpoc.process import ProcessTemplate

TEMPLATE = ProcessTemplate(
    name="generic",
    title_ko="범용 (공정 템플릿 없음)",
    title_en="Generic (no process template)",
    candidates=("random_forest", "extra_trees", "hist_gradient_boosting", "lightgbm", "ensemble"),
)
