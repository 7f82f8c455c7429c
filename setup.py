"""Packaging that pyproject.toml alone cannot say: the repo's ``pipelines/`` folder installs as ``axpoc_pipelines``.

A top-level ``pipelines`` package in site-packages would clash with any other distribution of that
generic name (pip overwrites such files silently), so the process templates install under axpoc's
own prefix; `axpoc.process.load_process` finds them under either name.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["axpoc", "axpoc.*"]), "axpoc_pipelines"],
    package_dir={"axpoc_pipelines": "pipelines"},
)
