"""Build one virtual environment per peer tool (the AutoML peers and tsfresh), pinned, from the package index only.

Why separate environments: FLAML, AutoGluon and PyCaret pin scikit-learn, numpy and pandas to
ranges that conflict with each other and with axpoc's own; a tool is measured in the environment
its authors support, and only Parquet files cross between environments.

tsfresh gets one too: it does not support pandas 3, which axpoc's venv has (`benchmarks/tsfresh_compare.py`).

Usage: python benchmarks/peers/setup_envs.py [--peers flaml autogluon pycaret tsfresh] [--python python3.11]
Each env lands in benchmarks/peers/.envs/<peer> (git-ignored); a finished env carries a stamp file
with the pins, so a second run skips it.  Outcomes are written to .envs/status.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ENVS = HERE / ".envs"

# Exact pins, checked with `pip index versions` on 2026-12-06 for CPython 3.11.
# AutoGluon: the tabular package with its GBDT extras only; no torch (the NN models are left out),
# so no CUDA wheel can be pulled in.  pyarrow is what every worker reads the Parquet split with.
PINS: dict[str, list[str]] = {
    "flaml": ["flaml[automl]==2.8.0", "pyarrow==26.0.1", "psutil==7.2.2"],
    "autogluon": [
        "autogluon.tabular[lightgbm,catboost,xgboost]==1.6.3",
        "pyarrow==24.0.0",  # what pip resolved beside autogluon.tabular 1.6.3
        "psutil==7.2.2",
    ],
    # PyCaret 3.3.2 pins numpy < 1.27: pyarrow 18 and newer need numpy 2, so an older pyarrow.
    "pycaret": [
        "pycaret==3.3.2",
        "pyarrow==17.0.0",
        "psutil==7.2.2",
        "six==1.17.0",
    ],  # scikit-plot imports six undeclared
    # tsfresh 0.21.2 (the newest on 2026-12-06) does not support pandas 3.
    "tsfresh": ["tsfresh==0.21.2", "pandas==2.3.3"],
}


def env_python(peer: str) -> Path:
    """Where a peer's interpreter lives once its env is built."""
    return ENVS / peer / "bin" / "python"


def _build(peer: str, *, python: str, fresh: bool) -> dict[str, object]:
    """Create the venv and pip-install the pins; report versions or the tail of pip's error."""
    target = ENVS / peer
    stamp = target / ".pins.json"
    if stamp.exists() and json.loads(stamp.read_text()) == PINS[peer] and not fresh:
        return {"peer": peer, "ok": True, "skipped": True, "versions": _versions(peer)}
    if target.exists() and fresh:
        shutil.rmtree(target)
    t0 = time.time()
    if not env_python(peer).exists():  # changed pins go into the existing env; --fresh rebuilds it
        subprocess.run([python, "-m", "venv", str(target)], check=True)
    py = str(env_python(peer))
    subprocess.run([py, "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=False)
    log = ENVS / f"{peer}.pip.log"
    with log.open("w") as fh:
        proc = subprocess.run(
            [py, "-m", "pip", "install", "--prefer-binary", *PINS[peer]],
            stdout=fh,
            stderr=subprocess.STDOUT,
            check=False,
        )
    out: dict[str, object] = {"peer": peer, "seconds": round(time.time() - t0, 1)}
    if proc.returncode != 0:
        tail = log.read_text().splitlines()[-25:]
        return {**out, "ok": False, "error": "\n".join(tail), "log": str(log)}
    stamp.write_text(json.dumps(PINS[peer]))
    return {**out, "ok": True, "versions": _versions(peer)}


_MAIN_PKG = {"flaml": "flaml", "autogluon": "autogluon.tabular", "pycaret": "pycaret", "tsfresh": "tsfresh"}


def ensure(peer: str, *, python: str = sys.executable) -> Path:
    """The peer's interpreter, building its env first when it is missing or its pins changed."""
    result = _build(peer, python=python, fresh=False)
    if not result["ok"]:
        raise SystemExit(f"{peer}: pip failed, see {result['log']}:\n{result['error']}")
    return env_python(peer)


def _versions(peer: str) -> dict[str, str]:
    """The installed versions of the tool and the libraries that decide its models."""
    names = [
        _MAIN_PKG[peer],
        "scikit-learn",
        "lightgbm",
        "xgboost",
        "xgboost-cpu",
        "catboost",
        "numpy",
        "pandas",
    ]
    code = (
        "import json, importlib.metadata as m\n"
        f"names = {names!r}\n"
        "out = {}\n"
        "for n in names:\n"
        "    try: out[n] = m.version(n)\n"
        "    except m.PackageNotFoundError: pass\n"
        "print(json.dumps(out))\n"
    )
    res = subprocess.run([str(env_python(peer)), "-c", code], capture_output=True, text=True, check=True)
    return json.loads(res.stdout)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--peers", nargs="+", default=list(PINS), choices=list(PINS))
    ap.add_argument("--python", default=sys.executable, help="a CPython 3.11 interpreter")
    ap.add_argument("--fresh", action="store_true", help="delete and rebuild each env")
    args = ap.parse_args(argv)
    ENVS.mkdir(parents=True, exist_ok=True)
    status_file = ENVS / "status.json"
    status = json.loads(status_file.read_text()) if status_file.exists() else {}
    for peer in args.peers:
        print(f"[setup] {peer}: installing {' '.join(PINS[peer])}", flush=True)
        res = _build(peer, python=args.python, fresh=args.fresh)
        status[peer] = res
        status_file.write_text(json.dumps(status, indent=2))
        print(f"[setup] {peer}: {'ok' if res['ok'] else 'FAILED'} {res.get('versions', '')}")
    return 0 if all(status[p]["ok"] for p in args.peers) else 1


if __name__ == "__main__":
    raise SystemExit(main())
