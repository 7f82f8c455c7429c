"""``python -m axpoc`` runs the CLI (used by tests and schedulers without the console script on PATH)."""

from axpoc.cli import main

main()
