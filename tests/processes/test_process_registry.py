"""Where process templates come from: axpoc's own folder, another package's entry point, register_process."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from plugin_env import REPO, run_with_plugin

from axpoc.errors import UserError
from axpoc.process import ProcessTemplate, available_processes, load_process, register_process

PLUGIN_RUN = """
import json
from axpoc.process import available_processes, load_process
from axpoc.models import get_family
template = load_process("stamping")
print(json.dumps({"names": available_processes(), "title": template.title_ko,
                  "families": [get_family(name).label for name in template.candidates]}))
"""


def test_a_process_template_from_another_package_is_found_through_its_entry_point(tmp_path: Path) -> None:
    result = run_with_plugin(tmp_path, PLUGIN_RUN)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert {"stamping", "injection_molding", "generic"} <= set(out["names"])
    assert out["title"] == "프레스 스탬핑 (ACME)"
    assert out["families"] == ["Decision tree", "Random forest"]  # its own family came along too


def test_a_template_under_another_name_is_refused_with_the_fix(tmp_path: Path) -> None:
    renamed = {"axpoc.processes": {"forming": "acme_axpoc.stamping"}}
    code = "from axpoc.process import load_process\nload_process('forming')"
    result = run_with_plugin(tmp_path, code, entry_points=renamed)
    assert result.returncode != 0
    assert "is found as 'forming' but its TEMPLATE is named 'stamping'" in result.stderr


def test_register_process_adds_a_template_for_the_session() -> None:
    template = ProcessTemplate(name="test_registered_line", title_ko="시험 라인", title_en="Test line")
    assert register_process(template) is template
    assert load_process("test_registered_line") is template
    assert "test_registered_line" in available_processes()
    with pytest.raises(UserError, match="already registered"):
        register_process(template)
    with pytest.raises(UserError, match=r"expected an axpoc\.process\.ProcessTemplate, got str"):
        register_process("test_registered_line")  # type: ignore[arg-type]


@pytest.mark.slow
def test_installed_axpoc_claims_no_generic_top_level_name(tmp_path: Path) -> None:
    """The wheel carries the repo's pipelines/ folder as axpoc_pipelines, and load_process finds it there."""
    wheel_dir, target, source = tmp_path / "wheel", tmp_path / "site", tmp_path / "source"
    for name in ("axpoc", "pipelines"):  # a copy: building writes build/ and *.egg-info beside the source
        shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(REPO / name, source / name)
    build = [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation", "-q"]
    subprocess.run([*build, "-w", str(wheel_dir)], check=True, capture_output=True, timeout=600)
    (wheel,) = wheel_dir.glob("axpoc-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        top = next(n for n in archive.namelist() if n.endswith("top_level.txt"))
        assert archive.read(top).decode().split() == ["axpoc", "axpoc_pipelines"]
        archive.extractall(target)
    code = (
        "import json, sys, axpoc; from axpoc.process import load_process\n"
        "t = load_process('injection_molding')\n"
        "module = sys.modules[t.generate.__module__]\n"
        "print(json.dumps([module.__name__, module.__file__, axpoc.__file__]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": ""},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    name, module_file, axpoc_file = json.loads(result.stdout)
    assert name == "axpoc_pipelines.injection_molding"
    assert Path(module_file).is_relative_to(target) and Path(axpoc_file).is_relative_to(target)
