"""Compiled LightGBM scoring: each booster's trees as native code (lleaves), for large batch calls.

LightGBM's own ``Booster.predict`` walks the trees node by node; lleaves compiles a model text to
machine code through LLVM, which predicts the same numbers several times faster. It is optional (the
``fast`` extra): without it, or for anything it cannot take, scoring uses LightGBM as before.

The registered model is never changed. :func:`accelerate` builds a scoring-time deep copy of the
loaded model in which every ``lightgbm.Booster`` found inside (in a pipeline, a calibrating or
thresholding wrapper, a per-product route, an ensemble) is replaced by a :class:`CompiledBooster`;
the scikit-learn wrappers around it stay LightGBM's own, so class decoding, probabilities and
thresholds are computed by the same code. The copy is trusted only after it scored a sample of the
real input rows like the original did (scores within ``TOLERANCE``, same predictions); any difference,
error or unsupported objective falls back to the original model with the reason said.

Compiling takes seconds to minutes (it grows with the trees and leaves), so the object code is cached
in the project folder under a digest of the model text, the lleaves and llvmlite versions and the
CPU; a file lock lets one process compile while others wait, and the file appears by rename only
when complete. Later calls load it in milliseconds.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import importlib.metadata
import logging
import os
import platform
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from axpoc._files import staged
from axpoc.i18n import BatchNote

log = logging.getLogger(__name__)

CACHE_FOLDER = Path(".axpoc") / "compiled"
TOLERANCE = 1e-9
VERIFY_ROWS = 2_000
LOCK_TIMEOUT_S = 900.0
ROWS_PER_THREAD = 10_000
# Objectives whose output transform lleaves 1.3 generates exactly as LightGBM does (lleaves' codegen);
# "multiclassova", "cross_entropy_lambda" and ranking objectives are left to LightGBM.
SUPPORTED_OBJECTIVES = frozenset(
    {
        "binary",
        "multiclass",
        "regression",
        "regression_l1",
        "huber",
        "fair",
        "quantile",
        "mape",
        "poisson",
        "gamma",
        "tweedie",
        "cross_entropy",
    }
)
_KEY_VERSION = "1"


@dataclass(frozen=True)
class Acceleration:
    """How a model scores: ``engine`` "lleaves" (compiled) or "none" (LightGBM / the model itself), and why.

    ``boosters``: LightGBM boosters found; ``compiled``: compiled in this call; ``cached``: loaded from
    the cache; ``compile_s``: seconds spent compiling or loading; ``max_diff``: the largest score
    difference between the compiled copy and the original on the verification sample.
    """

    engine: str
    reason: str
    boosters: int = 0
    compiled: int = 0
    cached: int = 0
    compile_s: float = 0.0
    max_diff: float | None = None
    cache_files: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "cache_files": list(self.cache_files)}


class CompiledBooster:
    """Stands in for one ``lightgbm.Booster``: plain predictions from the compiled trees.

    Raw scores, leaf indices, contributions, early stopping, a partial range of iterations and any
    input that is not purely numeric go to the booster itself, as does every other attribute.
    """

    def __init__(self, booster: Any, compiled: Any, *, threads: int) -> None:
        self.booster = booster
        self.compiled = compiled
        self.threads = max(1, threads)
        self.n_features = compiled.num_feature()

    def __getattr__(self, name: str) -> Any:
        if name == "booster":  # not set yet (copy/unpickle): never recurse
            raise AttributeError(name)
        return getattr(self.booster, name)

    def predict(
        self,
        data: Any,
        start_iteration: int = 0,
        num_iteration: int | None = None,
        raw_score: bool = False,
        pred_leaf: bool = False,
        pred_contrib: bool = False,
        **kwargs: Any,
    ) -> Any:
        plain = (
            not (raw_score or pred_leaf or pred_contrib or kwargs.get("pred_early_stop"))
            and start_iteration in (0, None)
            and num_iteration is None
        )
        matrix = _numeric_matrix(data, self.n_features) if plain else None
        if matrix is None or not len(matrix):
            return self.booster.predict(
                data,
                start_iteration=start_iteration,
                num_iteration=num_iteration,
                raw_score=raw_score,
                pred_leaf=pred_leaf,
                pred_contrib=pred_contrib,
                **kwargs,
            )
        jobs = int(min(self.threads, max(1, len(matrix) // ROWS_PER_THREAD)))
        return self.compiled.predict(matrix, n_jobs=jobs)


def _numeric_matrix(data: Any, n_features: int) -> np.ndarray | None:
    """``data`` as a C-ordered float64 matrix when it holds plain numbers of the right width, else None."""
    if isinstance(data, pd.DataFrame):
        if not all(isinstance(d, np.dtype) and d.kind in "fiub" for d in data.dtypes):
            return None  # categoricals, nullable or text columns: LightGBM's own conversion rules apply
        data = data.to_numpy(dtype=np.float64)
    elif not isinstance(data, np.ndarray) or data.dtype.kind not in "fiub":
        return None
    if data.ndim != 2 or data.shape[1] != n_features:
        return None  # LightGBM raises its own message for a wrong width
    return np.ascontiguousarray(data, dtype=np.float64)


def find_boosters(model: Any) -> list[Any]:
    """Every ``lightgbm.Booster`` reachable from ``model`` through estimators, dataclasses and containers."""
    from lightgbm import Booster

    found: dict[int, Any] = {}
    seen: set[int] = set()
    stack = [model]
    while stack:
        item = stack.pop()
        if id(item) in seen or isinstance(item, type):
            continue
        seen.add(id(item))
        if isinstance(item, Booster):
            found[id(item)] = item
        elif isinstance(item, list | tuple | set):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif hasattr(item, "get_params") or dataclasses.is_dataclass(item):
            stack.extend(getattr(item, "__dict__", {}).values())
    return list(found.values())


def _objective(text: str) -> str:
    for line in text.splitlines():
        if line.startswith("objective="):
            return line.split("=", 1)[1].split(" ", 1)[0]
        if line.startswith("Tree="):
            break
    return ""


def _cpu_key() -> str:
    """The host CPU as LLVM targets it: object code compiled for one CPU may not run on another."""
    import llvmlite.binding as llvm

    llvm.initialize_native_target()
    try:
        features = llvm.get_host_cpu_features().flatten()
    except RuntimeError:  # LLVM cannot tell the features on some hosts; lleaves then uses none either
        features = ""
    return f"{platform.machine()} {llvm.get_host_cpu_name()} {features}"


def cache_path(text: str, cache_dir: Path) -> Path:
    """The cache file of a model text on this machine with the installed lleaves and llvmlite."""
    versions = " ".join(f"{n}=={importlib.metadata.version(n)}" for n in ("lleaves", "llvmlite"))
    key = hashlib.sha256(f"{_KEY_VERSION}\n{versions}\n{_cpu_key()}\n".encode() + text.encode())
    return cache_dir / f"{key.hexdigest()[:32]}.o"


def compile_booster(booster: Any, cache_dir: Path, *, compile_new: bool = True) -> tuple[Any, bool, Path]:
    """(compiled lleaves model, whether it was compiled now, its cache file); loads the cache when present.

    Raises ``LookupError`` when the cache lacks it and ``compile_new`` is false, ``ValueError`` for an
    objective lleaves does not reproduce.
    """
    import lleaves
    from filelock import FileLock

    text = booster.model_to_string()
    objective = _objective(text)
    if objective not in SUPPORTED_OBJECTIVES:
        raise ValueError(f"objective '{objective}' is not compiled (lleaves reproduces {_supported()})")
    target = cache_path(text, cache_dir)
    if not compile_new and not target.exists():
        raise LookupError(str(target))
    cache_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(f"{target}.lock", timeout=LOCK_TIMEOUT_S):
        fresh = not target.exists()
        handle, name = tempfile.mkstemp(prefix=".model-", suffix=".txt", dir=cache_dir)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            compiled = lleaves.Model(model_file=name)
            if fresh:
                with staged(target) as tmp:
                    compiled.compile(cache=str(tmp))
            else:
                compiled.compile(cache=str(target))
        finally:
            Path(name).unlink(missing_ok=True)
    return compiled, fresh, target


def _supported() -> str:
    return ", ".join(sorted(SUPPORTED_OBJECTIVES))


def _missing_engine() -> str | None:
    """Why lleaves cannot be used here, or None when it can."""
    try:
        import lleaves  # noqa: F401
        import llvmlite.binding  # noqa: F401
    except ImportError as exc:
        return f"lleaves is not installed ({exc}); pip install 'axpoc[fast]' for compiled LightGBM scoring"
    return None


def accelerate(
    model: Any, sample: pd.DataFrame, *, cache_dir: Path, threads: int, compile_new: bool = True
) -> tuple[Any, Acceleration]:
    """(model to score with, what was done): a compiled scoring copy of ``model``, or ``model`` itself.

    ``model`` is a loaded PocModel (anything with ``predict_frame``); ``sample`` holds input rows
    (the first ``VERIFY_ROWS`` are used) on which the copy must match the original. ``compile_new``
    false uses only boosters already in the cache at ``cache_dir``.
    """
    started = time.perf_counter()

    def fallback(reason: str, **facts: Any) -> tuple[Any, Acceleration]:
        log.info("compiled scoring not used: %s", reason)
        return model, Acceleration("none", reason, compile_s=time.perf_counter() - started, **facts)

    missing = _missing_engine()
    if missing:
        return fallback(missing)
    boosters = find_boosters(model)
    if not boosters:
        family = getattr(model, "family", type(model).__name__)
        return fallback(f"no LightGBM booster in the model (family {family})")
    memo: dict[int, Any] = {}
    fresh = 0
    files = []
    for booster in boosters:
        try:
            compiled, new, path = compile_booster(booster, cache_dir, compile_new=compile_new)
        except LookupError:
            return fallback(BatchNote("not_worth_compiling"), boosters=len(boosters))
        except ValueError as exc:
            return fallback(str(exc), boosters=len(boosters))
        except Exception as exc:  # any lleaves/LLVM failure must leave scoring on LightGBM, said aloud
            return fallback(f"compiling failed: {type(exc).__name__}: {exc}", boosters=len(boosters))
        memo[id(booster)] = CompiledBooster(booster, compiled, threads=threads)
        fresh += new
        files.append(str(path))
    facts = {"boosters": len(boosters), "compiled": fresh, "cached": len(boosters) - fresh}
    scoring = copy.deepcopy(model, memo)
    rows = sample.iloc[:VERIFY_ROWS]
    try:
        expected, got = model.predict_frame(rows), scoring.predict_frame(rows)
    except Exception as exc:  # the compiled copy must never break a call the original can score
        return fallback(f"the compiled copy failed on the input: {type(exc).__name__}: {exc}", **facts)
    diff = float(
        np.max(np.abs(expected["score"].to_numpy(float) - got["score"].to_numpy(float)), initial=0.0)
    )
    same = bool(np.array_equal(expected["prediction"].to_numpy(), got["prediction"].to_numpy()))
    if not diff <= TOLERANCE or (not same and getattr(model, "task", "") != "regression"):
        return fallback(
            f"compiled scores differ from LightGBM's by up to {diff:.3g} on {len(rows)} input rows",
            max_diff=diff,
            **facts,
        )
    how = f"{fresh} compiled now, {len(boosters) - fresh} from the cache"
    return scoring, Acceleration(
        "lleaves",
        f"{len(boosters)} LightGBM booster(s) compiled with lleaves ({how}); "
        f"{len(rows)} input rows verified, max difference {diff:.1e}",
        compile_s=time.perf_counter() - started,
        max_diff=diff,
        cache_files=tuple(files),
        **facts,
    )
