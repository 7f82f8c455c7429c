"""The MLflow pyfunc face of a :class:`PocModel`: loads with plain ``mlflow.pyfunc.load_model``."""

from __future__ import annotations

from typing import Any

import mlflow.pyfunc
import pandas as pd

MODEL_FILE = "poc_model.pkl"


class PocPyfunc(mlflow.pyfunc.PythonModel):
    """Thin adapter: unpickles the PocModel artifact and delegates to ``predict_frame``."""

    def load_context(self, context: Any) -> None:
        import cloudpickle

        with open(context.artifacts["poc_model"], "rb") as handle:
            self.poc_model = cloudpickle.load(handle)

    # No type hints here on purpose: MLflow would map them to "AnyType" and validate nothing, noisily.
    def predict(self, context, model_input, params=None):
        frame = model_input if isinstance(model_input, pd.DataFrame) else pd.DataFrame(model_input)
        return self.poc_model.predict_frame(frame)
