"""The registered pyfunc scores a table on Spark through ``mlflow.pyfunc.spark_udf`` as ``predict_frame`` does.

pyspark (about 490 MB, ~3 min to install) is not one of axpoc's dependencies nor installed by CI; this test
runs where it is installed (``pip install 'axpoc[spark]'``, OpenJDK 17) and is skipped, saying so, elsewhere.
Measured on the 2-core development machine under load (1-minute load ~11): 131 s, 97 s of it Spark.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import numpy as np
import pytest

pytestmark = pytest.mark.slow
pytest.importorskip(
    "pyspark", reason="pyspark is not installed (pip install 'axpoc[spark]'): the Spark recipe"
)


def test_the_champion_scores_on_local_spark_as_predict_frame_does(project: Any) -> None:
    import shutil

    pytest.importorskip(
        "pyspark", reason="pyspark is not installed (pip install 'axpoc[spark]'): Spark recipe"
    )
    if shutil.which("java") is None:
        pytest.skip("no Java runtime (OpenJDK 17) for Spark")
    import mlflow
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # Spark's Python workers need this venv
    store = project.store()
    parts = project.parts(40, seed=31)[list(project.features)]
    expected = project.model(project.champion).predict_frame(parts)
    spark = (
        SparkSession.builder.master("local[1]")
        .appName("axpoc-spark-udf-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .getOrCreate()
    )
    try:
        mlflow.set_registry_uri(store.registry_uri)
        udf = mlflow.pyfunc.spark_udf(
            spark,
            f"models:/{project.model_name}@champion",
            env_manager="local",
            result_type="score double, prediction long, decision boolean",
        )
        frame = spark.createDataFrame(parts)
        scored = (
            frame.select(udf(*[frame[c] for c in project.features]).alias("out")).select("out.*").toPandas()
        )
    finally:
        spark.stop()
    np.testing.assert_allclose(scored["score"].to_numpy(), expected["score"].to_numpy(), rtol=0, atol=1e-12)
    assert (scored["decision"].to_numpy() == expected["decision"].to_numpy()).all()
    assert (scored["prediction"].to_numpy() == expected["prediction"].to_numpy()).all()
