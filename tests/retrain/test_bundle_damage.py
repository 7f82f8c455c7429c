"""Damaged bundles byte by byte, and bad output paths: a clear refusal (exit 2) or a verified import, never
a traceback, and never a half-imported folder."""

from __future__ import annotations

import os
import random
import shutil
import struct
import zipfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

pytestmark = pytest.mark.xdist_group("retrain")

_LOCAL = b"PK\x03\x04"
_CENTRAL = b"PK\x01\x02"
_END = b"PK\x05\x06"
# Offsets inside a local header (signature, flags, method, name length, extra length, name) and a central
# directory entry (signature, version needed, flags, method, crc, sizes, name/extra/comment lengths, local
# header offset, name); the time fields and sizes of local headers are what zipfile ignores: a few stay in.
_LOCAL_AT = (0, 3, 6, 10, 26, 28, 30)
_CENTRAL_AT = (0, 6, 8, 10, 16, 20, 24, 28, 30, 32, 38, 42, 46)
_SAMPLE = 200


@pytest.fixture(scope="module")
def small_bundle(trained: dict, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared trained project, exported once."""
    from axpoc.config import load_config
    from axpoc.retrain import export_project

    out = tmp_path_factory.mktemp("bundle") / "rt.axpoc.zip"
    export_project(
        load_config(trained["config"]),
        config_path=trained["config"],
        out=out,
        project_dir=trained["project"],
    )
    return out


def _damage_points(data: bytes) -> list[tuple[str, int]]:
    """(what, offset) pairs covering every member's header and data, the central directory and the end record;
    a seeded sample of at most ``_SAMPLE``, always keeping the manifest's, the store's and the end record's."""
    end = data.rfind(_END)
    directory = struct.unpack("<I", data[end + 16 : end + 20])[0]
    points: list[tuple[str, int]] = []
    offset = directory
    while data[offset : offset + 4] == _CENTRAL:
        name_len, extra_len, comment_len = struct.unpack("<HHH", data[offset + 28 : offset + 34])
        local = struct.unpack("<I", data[offset + 42 : offset + 46])[0]
        name = data[offset + 46 : offset + 46 + name_len].decode()
        size = struct.unpack("<I", data[offset + 20 : offset + 24])[0]
        assert data[local : local + 4] == _LOCAL
        local_name, local_extra = struct.unpack("<HH", data[local + 26 : local + 30])
        start = local + 30 + local_name + local_extra
        points += [(f"{name} header", local + at) for at in _LOCAL_AT]
        points += [(f"{name} data", start + at) for at in sorted({0, size // 2, max(size - 1, 0)}) if size]
        points += [(f"{name} directory entry", offset + at) for at in _CENTRAL_AT]
        offset += 46 + name_len + extra_len + comment_len
    points += [("end record", end + at) for at in range(22)]
    keep = [p for p in points if p[0].startswith(("manifest.json", "project/mlflow.db", "end record"))]
    rest = [p for p in points if p not in keep]
    return keep + random.Random(0).sample(rest, max(0, min(len(rest), _SAMPLE - len(keep))))


def _try_import(bundle: Path, into: Path, tally: Counter, what: str) -> None:
    """One import of a damaged copy: refused with a message naming the bundle and nothing left, or complete."""
    from axpoc.errors import UserError
    from axpoc.retrain import import_project

    tally["tried"] += 1
    try:
        result = import_project(bundle, into=into)
    except UserError as exc:
        tally["refused"] += 1
        assert str(bundle) in exc.message, (what, exc.message)
        assert not into.exists(), f"{what}: a refused import left {into}"
    except Exception as exc:  # counted, then the test fails on it
        tally["traceback"] += 1
        tally[f"traceback {type(exc).__name__} ({what})"] += 1
    else:
        tally["imported"] += 1
        assert result["champion"] == "1" and (into / "mlflow.db").is_file(), what
        shutil.rmtree(into)
    leftovers = [p.name for p in into.parent.iterdir() if ".importing-" in p.name]
    assert not leftovers, f"{what}: staging folders left: {leftovers}"


def test_flipped_bytes_and_cuts_are_refused_or_imported_whole(small_bundle: Path, tmp_path: Path) -> None:
    data = small_bundle.read_bytes()
    points = _damage_points(data)
    cuts = sorted({len(data) * k // 10 for k in range(1, 10)} | {len(data) - 1, len(data) - 22, 0})
    tally: Counter = Counter()
    damaged = tmp_path / "damaged.axpoc.zip"
    for number, (what, offset) in enumerate(points):
        flipped = bytearray(data)
        flipped[offset] ^= 0xFF
        damaged.write_bytes(bytes(flipped))
        _try_import(damaged, tmp_path / "into" / f"p{number}", tally, f"byte {offset} ({what})")
    for cut in cuts:
        damaged.write_bytes(data[:cut])
        _try_import(damaged, tmp_path / "into" / f"cut{cut}", tally, f"cut at {cut} of {len(data)} bytes")
    print(
        f"\ndamaged bundles: {tally['tried']} inputs tried ({len(points)} flipped bytes, {len(cuts)} cuts "
        f"of a {len(data):,}-byte bundle) / {tally['refused']} clear refusals / {tally['imported']} imported "
        f"whole (flip in a field zip ignores) / {tally['traceback']} tracebacks"
    )
    assert tally["traceback"] == 0, sorted(k for k in tally if k.startswith("traceback "))
    assert tally["refused"] + tally["imported"] == tally["tried"] and tally["refused"] > tally["imported"]


def test_damaged_bundle_is_exit_2_with_the_bundle_named(cli, small_bundle: Path, tmp_path: Path) -> None:
    data = bytearray(small_bundle.read_bytes())
    with zipfile.ZipFile(small_bundle) as archive:
        info = archive.getinfo("manifest.json")
    data[info.header_offset + 30 + len(info.filename) + info.compress_size // 2] ^= 0xFF
    damaged = tmp_path / "flipped.axpoc.zip"
    damaged.write_bytes(bytes(data))
    result = cli("import", damaged, "--into", tmp_path / "p", "--json")
    assert result.code == 2, result.stderr
    assert str(damaged) in result.stderr and "manifest.json" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "p").exists()
    assert result.json()["ok"] is False and str(damaged) in result.json()["error"]["message"]

    result = cli("import", tmp_path, "--into", tmp_path / "p")
    assert result.code == 2 and "is a folder" in result.stderr, result.stderr


def test_killed_export_leftover_is_replaced_by_the_next_export(trained: dict, tmp_path: Path) -> None:
    from axpoc.config import load_config
    from axpoc.retrain import export_project

    out = tmp_path / "b.axpoc.zip"
    dead_pid = 4_194_305  # above Linux's largest pid: no process can hold it
    partial = tmp_path / f".b.axpoc.zip.{dead_pid}-0123abcd.tmp"  # what a killed export leaves
    partial.write_bytes(b"PK half a bundle")
    export_project(
        load_config(trained["config"]), config_path=trained["config"], out=out, project_dir=trained["project"]
    )
    assert zipfile.is_zipfile(out) and not partial.exists()


def test_killed_import_leftovers_are_removed_by_the_next_import(small_bundle: Path, tmp_path: Path) -> None:
    from axpoc.retrain import import_project

    stale = tmp_path / ".p.importing-abc123"
    (stale / "project").mkdir(parents=True)
    (stale / "project" / "mlflow.db").write_bytes(b"half")
    result = import_project(small_bundle, into=tmp_path / "p")
    assert result["champion"] == "1" and not stale.exists()

    unverified = tmp_path / "q"  # killed after the move, before the champion check
    unverified.mkdir()
    (unverified / ".axpoc-import-unverified").write_text("axpoc import\n", encoding="utf-8")
    (unverified / "mlflow.db").write_bytes(b"not checked")
    result = import_project(small_bundle, into=unverified)
    assert result["champion"] == "1" and not (unverified / ".axpoc-import-unverified").exists()


@pytest.mark.slow
def test_import_killed_at_any_moment_leaves_nothing_or_a_whole_project(
    small_bundle: Path, tmp_path: Path
) -> None:
    """SIGKILL an ``axpoc import`` process at several moments: the target is absent, marked unverified (the
    next import replaces it) or whole; the next import into it imports or refuses an occupied folder."""
    import subprocess
    import sys

    from axpoc.errors import UserError
    from axpoc.retrain import import_project

    tally: Counter = Counter()
    for delay in (0.5, 1.5, 2.5, 3.5, 4.5, 6.0):
        into = tmp_path / f"k{delay}"
        argv = [sys.executable, "-m", "axpoc", "import", str(small_bundle), "--into", str(into)]
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        state = (
            "absent"
            if not into.exists()
            else "marked unverified"
            if (into / ".axpoc-import-unverified").exists()
            else "whole"
        )
        tally[state] += 1
        if state == "whole":
            assert (into / "mlflow.db").is_file() and (into / "poc.yaml").is_file()
            with pytest.raises(UserError, match="not empty"):
                import_project(small_bundle, into=into)
        else:
            assert import_project(small_bundle, into=into)["champion"] == "1"
        assert not [p.name for p in tmp_path.iterdir() if ".importing-" in p.name]
    print(
        f"\nimport killed at {sum(tally.values())} moments: {dict(tally)}; every next import succeeded or refused"
    )


@pytest.mark.parametrize("case", ["folder", "under_a_file", "no_permission"])
def test_export_to_a_bad_place_is_exit_2_naming_it(cli, trained: dict, tmp_path: Path, case: str) -> None:
    if case == "folder":
        out = tmp_path / "bundles"
        out.mkdir()
        expected = "is a folder"
    elif case == "under_a_file":
        (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
        out = tmp_path / "notes.txt" / "b.axpoc.zip"
        expected = "is a file, not a folder"
    else:
        if os.geteuid() == 0:
            pytest.skip("root writes anywhere")
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        out = locked / "b.axpoc.zip"
        expected = "no permission"
    result = cli("export", trained["config"], "--out", out, "--project-dir", trained["project"])
    assert result.code == 2, result.stderr
    assert expected in result.stderr and str(out.name) in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.rglob("*.partial"))


@contextmanager
def _disk_full_after(kilobytes: int) -> Iterator[None]:
    """A file-size limit (RLIMIT_FSIZE) stands in for a full disk: a write past it fails with EFBIG."""
    import resource
    import signal

    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # else the signal ends the process
    resource.setrlimit(resource.RLIMIT_FSIZE, (kilobytes * 1024, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


@pytest.mark.parametrize("limit_kb", [64, 1024])
def test_export_on_a_full_disk_is_exit_2_and_leaves_no_partial(
    cli, trained: dict, tmp_path: Path, limit_kb: int
) -> None:
    """The store copy (64 KB) or the zip (1 MB) fails mid-write."""
    out = tmp_path / "full" / "b.axpoc.zip"
    with _disk_full_after(limit_kb):
        result = cli("export", trained["config"], "--out", out, "--project-dir", trained["project"])
    assert result.code == 2, result.stderr
    assert "disk space" in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert not out.exists() and not list(out.parent.iterdir())


def test_import_under_a_file_is_exit_2(cli, small_bundle: Path, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    into = tmp_path / "notes.txt" / "project"
    result = cli("import", small_bundle, "--into", into)
    assert result.code == 2 and "is a file, not a folder" in result.stderr, result.stderr


def test_import_on_a_full_disk_is_exit_2_and_leaves_nothing(cli, small_bundle: Path, tmp_path: Path) -> None:
    into = tmp_path / "place" / "project"
    with _disk_full_after(64):
        result = cli("import", small_bundle, "--into", into)
    assert result.code == 2 and "disk space" in result.stderr, result.stderr
    assert not into.exists() and not list(into.parent.iterdir())
