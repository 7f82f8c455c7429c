"""Process layer: one module per process, each exposing ``TEMPLATE`` built from axpoc's public API.

This is the repo's ``pipelines/`` folder; an installed axpoc carries it as ``axpoc_pipelines`` (see
setup.py), so modules here import each other relatively and axpoc finds them through
`axpoc.process.load_process`, never by the name ``pipelines``.
"""
