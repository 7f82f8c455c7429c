"""Move a whole project to another machine: ``axpoc export`` writes one zip, ``axpoc import`` unpacks it.

Bundle format (a zip file, format version 1)::

    manifest.json            format, axpoc version, project, champion, source folder, sha256 of every file
    config/<name>.yaml       the config as it was given (comments kept)
    project/mlflow.db        a consistent copy (SQLite backup API, taken under the registry lock)
    project/...              artifacts (models, snapshots, contracts), reports, promotions.jsonl

MLflow stores absolute ``file://`` locations (experiments.artifact_location, runs.artifact_uri,
model_versions.storage_location, logged_models.artifact_location) and axpoc tags hold absolute report
paths. MLflow resolves a relative artifact location against the working directory, not the project,
so the store keeps absolute paths and the import rewrites every text cell of the database that starts
with or contains the old folder (as a file URI or as a plain path) to the new one, in one pass per cell.
The imported config gets ``project.dir: .``, so the config inside the project folder finds its project
wherever that folder goes next.
"""

from __future__ import annotations

import getpass
import glob
import hashlib
import json
import os
import platform
import re
import shutil
import sqlite3
import struct
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from axpoc import __version__
from axpoc._files import remove_stale_temps, staged
from axpoc.config import PocConfig
from axpoc.errors import UserError
from axpoc.i18n import DecisionReason

BUNDLE_FORMAT = "axpoc-project-bundle"
BUNDLE_VERSION = 1
MANIFEST = "manifest.json"
_SKIPPED_SUFFIXES = (".lock", ".tmp")
_CHUNK = 1 << 20


def export_project(
    config: PocConfig,
    *,
    config_path: Path,
    out: Path,
    project_dir: Path | None = None,
    lock_wait_s: float = 120.0,
) -> dict[str, Any]:
    """Write the project (store, artifacts, reports, promotion log, config) as one bundle file.

    The copy is taken under the registry lock that alias moves take (`axpoc.tracking.registry_lock`), so no
    move is half in the bundle; a lock held longer than ``lock_wait_s`` is the same
    :class:`~axpoc.tracking.RegistryBusy` user error a promotion gives.
    """
    from axpoc import tracking
    from axpoc.data import output_file
    from axpoc.retrain._project import open_project

    folder = config.project_dir(project_dir)
    if config.tracking.uri is not None and config.tracking.uri != tracking.default_tracking_uri(folder):
        raise UserError(
            f"tracking.uri is {config.tracking.uri}: export moves projects whose MLflow store is the SQLite file "
            "in the project folder (the default). A project on a team server needs no bundle: every PC with the "
            "config reads it from the server; it is backed up on the server side (pg_dump of the database and a "
            "copy of the artifacts folder, README 'Team server')."
        )
    store = open_project(config, project_dir)
    out = Path(out).expanduser().resolve()
    if out.is_relative_to(folder):
        raise UserError(
            f"--out {out} lies inside the project folder {folder}; write the bundle somewhere else."
        )
    out = output_file(out, option="--out", example=f"{config.project.name}.axpoc.zip")
    files: dict[str, str] = {}
    with tracking.registry_lock(store, wait_s=lock_wait_s), tempfile.TemporaryDirectory() as tmp:
        db_copy = Path(tmp) / "mlflow.db"
        _backup(folder / "mlflow.db", db_copy)
        manifest = {
            "format": BUNDLE_FORMAT,
            "format_version": BUNDLE_VERSION,
            "axpoc_version": __version__,
            "project": config.project.name,
            "model_name": store.model_name,
            "champion": tracking.alias_version(store, tracking.CHAMPION),
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "created_by": f"{getpass.getuser()}@{platform.node()}",
            "source_dir": str(folder),
            "source_uri": folder.as_uri(),
            "config_file": f"config/{Path(config_path).name}",
            "files": files,
        }
        # what a killed export to the same --out left beside it goes first
        remove_stale_temps(out, alive=tracking.process_alive)
        try:
            with staged(out) as partial:
                _write_bundle(
                    partial, manifest, config_path=Path(config_path), db_copy=db_copy, folder=folder
                )
        except OSError as exc:
            raise UserError(
                f"--out {out}: the bundle could not be written ({exc.strerror or exc}"
                f"{f': {exc.filename}' if exc.filename else ''}); free some disk space or choose another "
                "folder, then export again."
            ) from None
    return {
        "bundle": str(out),
        "project": config.project.name,
        "model_name": store.model_name,
        "champion": manifest["champion"],
        "files": len(files),
        "size_bytes": out.stat().st_size,
    }


def _write_bundle(
    partial: Path, manifest: dict[str, Any], *, config_path: Path, db_copy: Path, folder: Path
) -> None:
    """The zip: config, the store's copy, every project file but locks and temp files, then the manifest."""
    files = manifest["files"]
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        files[manifest["config_file"]] = _add(archive, config_path, manifest["config_file"])
        files["project/mlflow.db"] = _add(archive, db_copy, "project/mlflow.db")
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder).as_posix()
            if (
                not path.is_file()
                or relative == "mlflow.db"
                or relative.startswith("mlflow.db-")
                or path.suffix in _SKIPPED_SUFFIXES
            ):
                continue
            files[f"project/{relative}"] = _add(archive, path, f"project/{relative}")
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))


def _backup(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database (other processes may be writing)."""
    src, dst = sqlite3.connect(source, timeout=60), sqlite3.connect(target)
    try:
        src.backup(dst)
    except sqlite3.Error as exc:
        raise UserError(
            f"{source}: the store could not be copied into the bundle ({exc}); free some disk space in the "
            f"temporary folder {target.parent.parent} (or set TMPDIR to a roomier one) and export again."
        ) from None
    finally:
        dst.close()
        src.close()


def _add(archive: zipfile.ZipFile, path: Path, name: str) -> str:
    archive.write(path, name)
    return _sha256(path)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def import_project(bundle: Path, *, into: Path | None = None) -> dict[str, Any]:
    """Unpack a bundle into a new project folder, point the store at it, and check the champion loads.

    Every file is unpacked into a hidden folder beside the target and checked against its sha256 first;
    only a complete, matching copy is moved into place, marked unverified until its champion has loaded.
    A champion that fails to load takes the folder away again: a refused import leaves nothing behind, and
    what a killed import left (a hidden folder, a still-marked target) the next import into it removes.
    """
    from filelock import FileLock

    from axpoc.data import writable_parent

    bundle = Path(bundle).expanduser()
    if bundle.is_dir():
        raise UserError(f"{bundle} is a folder; give the bundle file 'axpoc export' wrote (NAME.axpoc.zip).")
    if not bundle.is_file():
        raise UserError(f"{bundle}: no such bundle file. Give the file 'axpoc export' wrote.")
    try:
        archive = zipfile.ZipFile(bundle)
    except zipfile.BadZipFile:
        raise UserError(f"{bundle}: not an axpoc bundle (not a readable zip file); copy it again.") from None
    except PermissionError:
        raise UserError(
            f"{bundle}: no permission to read it; copy it somewhere you can read, or run as its owner."
        ) from None
    except (*_DAMAGED, OSError) as exc:
        raise _damaged(bundle, "the zip directory", exc) from None
    with archive:
        manifest = _manifest(archive, bundle)
        target = (
            Path(into).expanduser().resolve()
            if into is not None
            else (Path.cwd() / "axpoc_projects" / manifest["project"]).resolve()
        )
        parent = writable_parent(target, option="--into")
        _remove_stale_imports(parent, target.name)
        _refuse_occupied(target)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.importing-", dir=parent))
        try:
            with FileLock(str(staging / _STAGING_LOCK)):  # held until verified: see _remove_stale_imports
                rewritten, config_name = _unpack_into(archive, manifest, staging, bundle, target)
                try:
                    champion = _verify(target / config_name, manifest, bundle)
                except BaseException:
                    shutil.rmtree(target, ignore_errors=True)
                    raise
                (target / _UNVERIFIED).unlink()
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    config_path = target / config_name
    return {
        "project": manifest["project"],
        "into": str(target),
        "config": str(config_path),
        "champion": champion,
        "source_dir": manifest["source_dir"],
        "exported_at": manifest["created_at"],
        "axpoc_version_of_bundle": manifest["axpoc_version"],
        "rewritten_cells": rewritten,
        "next": f"axpoc retrain {config_path} --data NEW_FILE",
    }


# What the standard library raises while it reads a damaged or cut-off zip: a bad directory entry, a
# broken deflate stream, a wrong CRC, an offset past the end, a flipped "encrypted" or compression flag.
_DAMAGED: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    KeyError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    struct.error,
    OverflowError,
)
_STAGING_LOCK = "import.lock"
_UNVERIFIED = ".axpoc-import-unverified"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _damaged(bundle: Path, what: str, exc: BaseException) -> UserError:
    detail = str(exc) or type(exc).__name__
    return UserError(
        f"{bundle}: {what} cannot be read ({detail}); the bundle is damaged or cut off. Copy it again, or "
        "export it again on the source machine; nothing was imported."
    )


def _unpack_into(
    archive: zipfile.ZipFile, manifest: dict[str, Any], staging: Path, bundle: Path, target: Path
) -> tuple[int, str]:
    """Unpack and check every file in ``staging``, point the copy at ``target``, move it there marked
    unverified. Returns the number of rewritten locations and the config's file name."""
    try:
        _extract(archive, manifest, staging, bundle)
        project = staging / "project"
        rewritten = relocate_project(
            project, old_dir=manifest["source_dir"], old_uri=manifest["source_uri"], new_dir=target
        )
        config_name = Path(manifest["config_file"]).name
        config_text = (staging / manifest["config_file"]).read_text(encoding="utf-8-sig")
        (project / config_name).write_text(point_config_here(config_text), encoding="utf-8")
        (project / _UNVERIFIED).write_text(f"axpoc import of {bundle}\n", encoding="utf-8")
        _refuse_occupied(target)  # another import may have finished meanwhile
        if target.exists():
            target.rmdir()
        os.replace(project, target)
    except OSError as exc:
        raise UserError(
            f"{target}: unpacking the bundle failed ({exc.strerror or exc}); free some disk space or "
            "import into another folder with --into. Nothing was imported."
        ) from None
    return rewritten, config_name


def _refuse_occupied(target: Path) -> None:
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UserError(f"{target} already exists and is not empty; import into a new folder with --into.")


def _remove_stale_imports(parent: Path, name: str) -> None:
    """Remove what an import into the same folder left when it was killed: its hidden folder (whose lock is
    free), and a target still marked unverified (killed between the move and the champion check)."""
    from filelock import FileLock, Timeout

    running = False
    for staging in parent.glob(f".{glob.escape(name)}.importing-*"):
        if not staging.is_dir():
            continue
        lock = FileLock(str(staging / _STAGING_LOCK), timeout=0)
        try:
            lock.acquire()
        except Timeout:
            running = True  # another import into this folder is running: leave its work alone
            continue
        lock.release()
        shutil.rmtree(staging, ignore_errors=True)
    if not running and (parent / name / _UNVERIFIED).is_file():
        shutil.rmtree(parent / name)


def _manifest(archive: zipfile.ZipFile, bundle: Path) -> dict[str, Any]:
    """The bundle's manifest, its shape checked, so that nothing later trips over a missing or odd key."""
    try:
        raw = archive.read(MANIFEST)
    except KeyError:
        raise UserError(
            f"{bundle}: no {MANIFEST}; this zip was not written by 'axpoc export', or its directory is damaged."
        ) from None
    except (*_DAMAGED, OSError) as exc:
        raise _damaged(bundle, MANIFEST, exc) from None
    try:
        manifest = json.loads(raw)
    except ValueError:
        raise UserError(
            f"{bundle}: {MANIFEST} is not readable JSON; this zip was not written by 'axpoc export'."
        ) from None
    if not isinstance(manifest, dict) or manifest.get("format") != BUNDLE_FORMAT:
        raise UserError(
            f"{bundle}: {MANIFEST} is not an axpoc bundle manifest; give a file 'axpoc export' wrote."
        )
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > BUNDLE_VERSION:
        raise UserError(
            f"{bundle}: bundle format {manifest.get('format')!r} v{version} is not one "
            f"this axpoc {__version__} reads ({BUNDLE_FORMAT} v{BUNDLE_VERSION}); update axpoc."
        )
    files = manifest.get("files")
    for name in files if isinstance(files, dict) else ():
        parts = PurePosixPath(str(name)).parts
        if (
            not parts
            or PurePosixPath(name).is_absolute()
            or ".." in parts
            or parts[0] not in ("project", "config")
        ):
            raise UserError(f"{bundle}: unsafe path {name!r} in the bundle; refusing to unpack it.")
    texts = (
        "project",
        "source_dir",
        "source_uri",
        "config_file",
        "created_at",
        "created_by",
        "axpoc_version",
    )
    wrong = [key for key in texts if not isinstance(manifest.get(key), str) or not manifest[key]]
    if not isinstance(files, dict) or not all(
        isinstance(digest, str) and _SHA256.match(digest) for digest in files.values()
    ):
        wrong.append("files")
    elif manifest.get("config_file") not in files or "project/mlflow.db" not in files:
        wrong.append("files (config or project/mlflow.db missing)")
    if wrong:
        raise UserError(
            f"{bundle}: {MANIFEST} lacks or garbles {', '.join(wrong)}; the bundle is damaged, export it again."
        )
    if PurePosixPath(manifest["project"]).name != manifest["project"] or manifest["project"] in (".", ".."):
        raise UserError(f"{bundle}: unsafe project name {manifest['project']!r} in the bundle; refusing it.")
    return manifest


def _extract(archive: zipfile.ZipFile, manifest: dict[str, Any], folder: Path, bundle: Path) -> None:
    """Unpack every listed file, checking its sha256: a damaged copy is refused, not half imported."""
    for name, expected in manifest["files"].items():
        target = folder / PurePosixPath(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            source = archive.open(name)
        except KeyError:
            raise UserError(
                f"{bundle}: {name} is listed in {MANIFEST} but missing from the zip; the bundle is "
                "damaged, export it again."
            ) from None
        except (*_DAMAGED, OSError) as exc:
            raise _damaged(bundle, name, exc) from None
        digest = hashlib.sha256()
        with source, target.open("wb") as sink:
            while True:
                try:
                    chunk = source.read(_CHUNK)
                except (*_DAMAGED, OSError) as exc:
                    raise _damaged(bundle, name, exc) from None
                if not chunk:
                    break
                digest.update(chunk)
                sink.write(chunk)
        if digest.hexdigest() != expected:
            raise UserError(
                f"{bundle}: {name} does not match its checksum; the bundle is damaged, export it again."
            )


def relocate_project(
    folder: Path, *, old_dir: str | Path, new_dir: Path | None = None, old_uri: str | None = None
) -> int:
    """Point a project folder that moved from ``old_dir`` (to ``new_dir``, default ``folder``) at its new place.

    MLflow keeps absolute ``file://`` locations: every text cell of every table of ``mlflow.db``
    (experiment artifact locations, run artifact URIs, model version storage locations, logged models,
    report tags) and the ``artifact_path`` recorded in each logged model's ``MLmodel`` file. The old
    folder, as a file URI and as a plain path, is replaced by the new one in one pass per value.
    ``old_dir`` may be a path of another operating system (a bundle exported on Windows, imported on
    Linux); ``old_uri`` is its file URI as that machine wrote it. Returns the number of values changed.
    """
    replace = _replacer(old_dir, old_uri, Path(new_dir or folder))
    changed = _relocate_cells(folder / "mlflow.db", replace)
    for mlmodel in (folder / "artifacts").rglob("MLmodel"):
        text = mlmodel.read_text(encoding="utf-8")
        moved = replace.sub(text)
        if moved != text:
            mlmodel.write_text(moved, encoding="utf-8")
            changed += 1
    return changed


@dataclass(frozen=True)
class _Replacer:
    """The old folder's spellings (URI, native path, POSIX path) -> the new folder's, in one regex pass."""

    pairs: dict[str, str]
    pattern: re.Pattern[str]

    def sub(self, text: str) -> str:
        return self.pattern.sub(lambda match: self.pairs[match.group(0)], text)


def _replacer(old_dir: str | Path, old_uri: str | None, new_dir: Path) -> _Replacer:
    text = str(old_dir)
    old = (PureWindowsPath if re.match(r"^([A-Za-z]:[\\/]|\\\\)", text) else PurePosixPath)(text)
    pairs = {
        old_uri or old.as_uri(): new_dir.as_uri(),
        str(old): str(new_dir),
        old.as_posix(): new_dir.as_posix(),
    }
    return _Replacer(pairs, re.compile("|".join(re.escape(k) for k in sorted(pairs, key=len, reverse=True))))


def _relocate_cells(db: Path, replace: _Replacer) -> int:
    changed = 0
    connection = sqlite3.connect(db, timeout=60)
    try:
        with connection:
            tables = [
                row[0]
                for row in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE '%WITHOUT ROWID%'"
                )
            ]
            for table in tables:
                columns = [
                    row[1]
                    for row in connection.execute(f'PRAGMA table_info("{table}")')
                    if not row[2] or any(word in row[2].upper() for word in ("CHAR", "TEXT", "CLOB"))
                ]
                for column in columns:
                    found = " OR ".join(f'instr("{column}", ?) > 0' for _ in replace.pairs)
                    rows = connection.execute(
                        f'SELECT rowid, "{column}" FROM "{table}" WHERE {found}', list(replace.pairs)
                    ).fetchall()
                    for rowid, value in rows:
                        connection.execute(
                            f'UPDATE "{table}" SET "{column}" = ? WHERE rowid = ?',
                            (replace.sub(value), rowid),
                        )
                    changed += len(rows)
    finally:
        connection.close()
    return changed


def point_config_here(text: str) -> str:
    """The config with ``project.dir: .``: it lives in the project folder and finds it wherever that moves.

    Edits the one line (comments kept) when ``project:`` is a block; rewrites the YAML otherwise.
    """
    import yaml

    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if re.match(r"^project:\s*(#.*)?$", line)), None)
    if start is not None:
        block = start + 1
        while block < len(lines) and not lines[block].strip():
            block += 1
        indent = re.match(r"^(\s*)", lines[block]).group(1) if block < len(lines) else "  "
        end = block
        while end < len(lines) and (not lines[end].strip() or lines[end].startswith(indent)):
            end += 1
        body = [line for line in lines[start + 1 : end] if not re.match(rf"^{indent}dir:", line)]
        note = f"{indent}dir: .  # axpoc import: the project folder is this config's folder\n"
        edited = "".join([*lines[: start + 1], note, *body, *lines[end:]])
        loaded = yaml.safe_load(edited)
        if isinstance(loaded, dict) and (loaded.get("project") or {}).get("dir") == ".":
            return edited
    data = yaml.safe_load(text)
    data.setdefault("project", {})["dir"] = "."
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _verify(config_path: Path, manifest: dict[str, Any], bundle: Path) -> str | None:
    """Open the imported store, check it points here, load the champion, and log the import."""
    from axpoc import tracking
    from axpoc.config import load_config
    from axpoc.retrain._project import open_project

    config = load_config(config_path)
    store = open_project(config)
    location = store.client.get_experiment(store.experiment_id).artifact_location
    if not location.startswith(config_path.parent.as_uri()):
        raise UserError(
            f"the imported store still points at {location}; the bundle {bundle} could not be moved."
        )
    champion = tracking.alias_version(store, tracking.CHAMPION)
    if champion is not None:
        tracking.load_poc_model(store, champion)
    tracking.append_promotion_log(
        store,
        {
            "action": "import",
            "version": champion,
            "forced": False,
            "reason": DecisionReason(
                "imported",
                {
                    "source": manifest["source_dir"],
                    "who": manifest["created_by"],
                    "when": manifest["created_at"],
                    "bundle": bundle.name,
                },
            ),
        },
    )
    return champion
