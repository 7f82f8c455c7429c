"""The MLflow pyfunc face of a :class:`PocModel`: loads with plain ``mlflow.pyfunc.load_model``."""

from __future__ import annotations

from typing import Any

import mlflow.pyfunc

MODEL_FILE = "poc_model.pkl"


class PocPyfunc(mlflow.pyfunc.PythonModel):
    """Thin adapter: unpickles the PocModel artifact and delegates to ``predict_frame``."""

    def load_context(self, context: Any) -> None:
        import cloudpickle

        with open(context.artifacts["poc_model"], "rb") as handle:
            self.poc_model = cloudpickle.load(handle)

    def predict(self, context: Any, model_input: Any, params: dict[str, Any] | None = None) -> Any:
        import pandas as pd

        frame = model_input if isinstance(model_input, pd.DataFrame) else pd.DataFrame(model_input)
        return self.poc_model.predict_frame(frame)
