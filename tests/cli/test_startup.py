"""The start-up of ``axpoc predict``: the garbage collector is paused while the model loads, then resumes."""

from __future__ import annotations

import gc

import pytest

from axpoc.cli._serve_verbs import _collector_paused


def test_collector_paused_until_scoring_starts() -> None:
    frozen = gc.get_freeze_count()
    try:
        with _collector_paused() as started:
            assert not gc.isenabled()
            kept = [[i] for i in range(1000)]
            started()
            assert gc.isenabled()
            assert gc.get_freeze_count() >= frozen + len(kept)
            started()  # a second call changes nothing
            assert gc.isenabled()
        assert gc.isenabled()
    finally:
        gc.unfreeze()


def test_collector_resumes_after_a_failure_before_scoring() -> None:
    try:
        with pytest.raises(ValueError), _collector_paused():
            assert not gc.isenabled()
            raise ValueError("no row was read")
        assert gc.isenabled()
    finally:
        gc.unfreeze()


def test_collector_left_off_when_it_was_off() -> None:
    gc.disable()
    try:
        with _collector_paused() as started:
            started()
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
