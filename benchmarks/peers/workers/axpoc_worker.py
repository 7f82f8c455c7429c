"""axpoc's comparison (the config's candidates, the budget, one thread) on the train part; the chosen
model's predictions for the test part. ``--trials N`` tunes by trial count instead of the budget.

axpoc prepares the data set again from its config (same seed): its CV needs the config's time and group
columns and the curves; the rows must be the ones written for the peers, or the worker stops.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import arguments, read_split, write_predictions


def main() -> None:
    args = arguments(__doc__)
    from splits import configured

    import axpoc
    from axpoc.compare import model_output
    from axpoc.i18n import Phrase

    _, _, meta = read_split(args.split, safe_names=False)
    config = configured(Path(meta["config"]), seed=meta["seed"], budget_s=args.budget, trials=args.trials)
    prepared = axpoc.prepare(config)
    if [int(i) for i in prepared.split.test_index] != meta["test_rows"]:
        raise SystemExit(f"{args.split}: axpoc's split differs from the written one; rewrite the splits")
    started = time.perf_counter()
    comparison = axpoc.run_comparison(config, prepared)
    compare_s = time.perf_counter() - started
    features = list(prepared.roles.features)
    out = model_output(comparison.model, prepared.test[features], config.target.task)
    facts = {
        "chosen": comparison.chosen.name,
        "params": comparison.chosen.params,
        "compare_s": compare_s,
        "budget_s": config.tuning.budget_s,
        "trials_limit": config.tuning.trials,
        "leaderboard": comparison.leaderboard.to_dict("records"),
        # e.g. the group-level screen's decision: which columns it dropped and the two CV scores
        "notes": [note.text("en") if isinstance(note, Phrase) else note for note in comparison.notes],
    }
    write_predictions(args.out, meta, out, facts)


if __name__ == "__main__":
    main()
