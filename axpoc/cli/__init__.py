"""Command-line interface; see ``axpoc --help``."""

from axpoc.cli._app import app, main

__all__ = ["app", "main"]
