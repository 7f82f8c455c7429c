"""axpoc's warnings name the user's line, never a private module of axpoc (``axpoc/report/_fonts.py:48``)."""

from __future__ import annotations

import warnings
from pathlib import Path

import axpoc
from axpoc._logs import warn


def test_a_warning_from_deep_inside_axpoc_names_the_callers_line() -> None:
    private = Path(axpoc.__file__).parent / "report" / "_deep.py"  # a frame inside the package
    space: dict[str, object] = {"warn": warn}
    exec(
        compile("def inner():\n    warn('the font is missing', RuntimeWarning)\n", str(private), "exec"),
        space,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        space["inner"]()  # type: ignore[operator]
    (found,) = caught
    assert found.category is RuntimeWarning and str(found.message) == "the font is missing"
    assert Path(found.filename).resolve() == Path(__file__).resolve()
    assert "axpoc/" not in warnings.formatwarning(found.message, found.category, found.filename, found.lineno)
