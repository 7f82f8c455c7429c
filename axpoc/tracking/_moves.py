"""Every alias move of the registry (promote, reject, rollback) as one recoverable transaction.

The champion alias, the version tags that say why, and the promotion log's line all happen or none does,
whatever signal arrives when. Under the registry's lock a move is:

1. an *intent* line in the journal (``promotions.journal.jsonl`` in the project's ledger: the project
   folder, or PostgreSQL with a team server, see :mod:`axpoc.tracking._ledger`) with a unique id,
   the aliases before and after, the tags and the log line, written and flushed to disk;
2. the aliases moved; 3. the tags set; 4. the log line appended (with the move's id);
5. a *confirmed* line in the journal.

Ctrl-C and SIGTERM wait until step 5 (they are held, then raised as :class:`axpoc.errors.Interrupted`
saying where the champion stands). After a kill or a power cut, the next command that opens the store
(:func:`recover`, called by :func:`axpoc.tracking.open_store`) finds the intent without a confirmation:
if the move's main alias already points at its version, it completes the move (the same tags, the same
log line, once); otherwise it puts back the aliases as they were and marks the intent undone. A pending
intent seen under the lock can only belong to a process that died: every move holds the lock to the end.
"""

from __future__ import annotations

import getpass
import platform
import signal
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from axpoc._hooks import pause_point
from axpoc.errors import Interrupted, UserError
from axpoc.i18n import Phrase, RecoveryNote
from axpoc.tracking._ledger import LockTimeout
from axpoc.tracking._store import CHALLENGER, CHAMPION, PREVIOUS, Store

PROMOTION_LOG = "promotions.jsonl"
JOURNAL = "promotions.journal.jsonl"


@dataclass(frozen=True)
class Move:
    """One alias move: the aliases to set (None: remove), what they were, tags per version, the log line."""

    action: str
    version: str
    aliases: dict[str, str | None]
    prior: dict[str, str | None]
    tags: dict[str, dict[str, str]]
    log: dict[str, Any]
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def main_alias(self) -> str:
        """The alias whose position tells whether the move happened: champion, or challenger for a reject."""
        return CHAMPION if CHAMPION in self.aliases else CHALLENGER

    def where(self, champion: str | None) -> str:
        """Where the aliases stand once the move is done (``champion`` then), in words."""
        if self.main_alias == CHAMPION:
            before = self.prior.get(CHAMPION)
            return f"v{self.version} is champion" + (f" (was v{before})" if before else "")
        return f"v{self.version} is challenger; the champion is " + (f"v{champion}" if champion else "none")


class RegistryBusy(UserError):
    """Another axpoc command holds the project's registry lock (it is moving an alias or exporting)."""


@contextmanager
def registry_lock(store: Store, *, wait_s: float = 120.0) -> Iterator[None]:
    """The project's registry lock: alias moves, their recovery and ``export`` take it.

    Waiting longer than ``wait_s`` is a :class:`RegistryBusy` user error, never a library traceback. The
    lock is the operating system's (a file) or PostgreSQL's (an advisory lock, with a team server), so a
    killed holder frees it with its process.
    """
    try:
        with store.ledger.lock(wait_s=wait_s):
            yield
    except LockTimeout:
        raise RegistryBusy(
            f"the model registry of project '{store.model_name}' is busy: another axpoc command (rollback, "
            f"retrain, run or export of this project, on this or another PC) has held its lock "
            f"({store.ledger.lock_place}) for over {wait_s:g} s. Wait until that command ends and run this "
            "one again."
        ) from None


def alias_version(store: Store, alias: str) -> str | None:
    from mlflow.exceptions import MlflowException

    try:
        return str(store.client.get_model_version_by_alias(store.model_name, alias).version)
    except MlflowException:
        return None


def append_promotion_log(store: Store, entry: dict[str, Any]) -> None:
    """One line of the audit trail (time, user and host added when the entry has none)."""
    reason = entry.get("reason")
    store.ledger.append(PROMOTION_LOG, {**_stamp(), **entry, **(_log_reason(reason) if reason else {})})


def read_promotion_log(store: Store) -> list[dict[str, Any]]:
    """The promotion log, oldest first: the same on every host that shares the project's ledger."""
    return store.ledger.read(PROMOTION_LOG)


def promote(
    store: Store,
    version: str,
    *,
    reason: str,
    forced: bool = False,
    expected_champion: str | None = None,
    action: str = "promote",
    tags: dict[str, str] | None = None,
    previous_tags: dict[str, str] | None = None,
) -> bool:
    """Move ``champion`` to ``version`` (old champion -> ``previous``), as one journaled move.

    ``expected_champion`` is the champion the decision was made against; if another process moved the
    alias meanwhile, nothing moves and False is returned. ``previous_tags`` are set on the old champion
    in the same move (a rollback's ``rolled_back``).
    """
    with registry_lock(store):
        current = alias_version(store, CHAMPION)
        if expected_champion is not None and current != expected_champion:
            return False
        aliases: dict[str, str | None] = {}
        if current is not None and current != version:
            aliases[PREVIOUS] = current
        if alias_version(store, CHALLENGER) == version:
            aliases[CHALLENGER] = None
        aliases[CHAMPION] = version
        version_tags = {
            "axpoc.decision": "promoted",
            **reason_tags(reason),
            "axpoc.forced": str(forced).lower(),
            **(tags or {}),
        }
        all_tags = {version: version_tags}
        if previous_tags and current is not None and current != version:
            all_tags[current] = previous_tags
        log = {
            "action": action,
            "version": version,
            "previous": current,
            **_log_reason(reason),
            "forced": forced,
        }
        _carry_out(store, _move(store, action, version, aliases, all_tags, log))
    return True


def reason_tags(reason: str) -> dict[str, str]:
    """The decision's reason as registry tags: the English sentence, and the Korean one when the reason is
    a phrase, so that a registry listing can speak either (``axpoc models``, notebooks)."""
    tags = {"axpoc.decision_reason": reason[:5000]}
    if isinstance(reason, Phrase):
        tags["axpoc.decision_reason_ko"] = reason.text("ko")[:5000]
    return tags


def _log_reason(reason: str) -> dict[str, str]:
    """The reason of a promotion-log line: English (the audit trail), and Korean beside it when the reason
    is a phrase, so a listing says each line in the reader's language even after later moves retag the
    version."""
    line = {"reason": str(reason)}
    if isinstance(reason, Phrase):
        line["reason_ko"] = reason.text("ko")
    return line


def mark_challenger(
    store: Store, version: str, *, reason: str, decision: str = "rejected", tags: dict[str, str] | None = None
) -> None:
    """Give ``version`` the ``challenger`` alias with the decision and its reason, as one journaled move."""
    with registry_lock(store):
        version_tags = {"axpoc.decision": decision, **reason_tags(reason), **(tags or {})}
        log = {"action": "reject", "version": version, **_log_reason(reason), "forced": False}
        _carry_out(
            store, _move(store, "reject", version, {CHALLENGER: version}, {version: version_tags}, log)
        )


def recover(store: Store) -> list[RecoveryNote]:
    """Complete or undo every move a stopped process left half done; returns what was done, in words."""
    if not _pending(store):  # the usual case: one small read, no lock
        return []
    try:
        with registry_lock(store, wait_s=0):
            return _settle(store)
    except RegistryBusy:  # a live command is moving an alias right now: it confirms its own move
        return []


def _settle(store: Store) -> list[RecoveryNote]:
    """Complete or undo each pending move (the caller holds the registry lock); returns what was done."""
    notes = []
    for move in _pending(store):
        values = {"action": move.action, "version": move.version, "time": move.log.get("time", "?")}
        if alias_version(store, move.main_alias) == move.aliases[move.main_alias]:
            _set_aliases(store, move.aliases)
            _set_tags(store, move.tags)
            if not any(entry.get("id") == move.id for entry in read_promotion_log(store)):
                store.ledger.append(PROMOTION_LOG, move.log)
            store.ledger.append(JOURNAL, {"id": move.id, "state": "confirmed", "by": "recovery"})
            notes.append(RecoveryNote("completed", values))
        else:
            _set_aliases(store, move.prior)
            store.ledger.append(JOURNAL, {"id": move.id, "state": "undone", "by": "recovery"})
            notes.append(RecoveryNote("undone", values))
    return notes


def journaled_versions(store: Store) -> set[str]:
    """Versions named by a move that was not undone: the stale-run cleanup must never touch them."""
    lines = store.ledger.read(JOURNAL)
    undone = {line.get("id") for line in lines if line.get("state") == "undone"}
    return {
        version
        for line in lines
        if line.get("state") == "intent" and line.get("id") not in undone
        for version in {line["move"]["version"], *line["move"]["tags"]}
    }


def _move(
    store: Store,
    action: str,
    version: str,
    aliases: dict[str, str | None],
    tags: dict[str, dict[str, str]],
    log: dict[str, Any],
) -> Move:
    """The move with the aliases as they are now (what an undo restores) and a fresh id in its log line."""
    prior = {alias: alias_version(store, alias) for alias in aliases}
    move_id = uuid.uuid4().hex
    return Move(action, version, aliases, prior, tags, {**_stamp(), **log, "id": move_id}, id=move_id)


def _carry_out(store: Store, move: Move) -> None:
    """Steps 1-5 of the module docstring; the caller holds the registry lock. Ctrl-C / SIGTERM wait."""
    ledger = store.ledger
    with _held_interrupts() as held:
        ledger.append(JOURNAL, {"id": move.id, "state": "intent", "move": asdict(move)})
        pause_point("promote:intent")
        _set_aliases(store, move.aliases)
        pause_point("promote:aliases")
        _set_tags(store, move.tags)
        pause_point("promote:tags")
        ledger.append(PROMOTION_LOG, move.log)
        pause_point("promote:log")
        ledger.append(JOURNAL, {"id": move.id, "state": "confirmed"})
    if held:
        raise Interrupted(
            f"interrupted (Ctrl-C) during the {move.action} of v{move.version}, which was completed first "
            f"and recorded in the promotion log: {move.where(alias_version(store, CHAMPION))}."
        )


def _set_aliases(store: Store, aliases: dict[str, str | None]) -> None:
    from mlflow.exceptions import MlflowException

    client = store.client
    for alias, version in aliases.items():
        if version is not None:
            client.set_registered_model_alias(store.model_name, alias, version)
        elif alias_version(store, alias) is not None:
            try:
                client.delete_registered_model_alias(store.model_name, alias)
            except MlflowException:  # removed meanwhile: the goal is reached
                continue


def _set_tags(store: Store, tags: dict[str, dict[str, str]]) -> None:
    client = store.client
    for version, values in tags.items():
        for key, value in values.items():
            client.set_model_version_tag(store.model_name, version, key, value)


@contextmanager
def _held_interrupts() -> Iterator[list[int]]:
    """Hold Ctrl-C and SIGTERM until the block ends; yields the signals that arrived meanwhile."""
    held: list[int] = []
    if threading.current_thread() is not threading.main_thread():  # only the main thread gets signals
        yield held
        return
    signals = [signal.SIGINT, *([signal.SIGTERM] if hasattr(signal, "SIGTERM") else [])]
    before = {number: signal.signal(number, lambda number, frame: held.append(number)) for number in signals}
    try:
        yield held
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)


def _pending(store: Store) -> list[Move]:
    """The moves whose intent has no confirmation and was not undone, oldest first."""
    lines = store.ledger.read(JOURNAL)
    closed = {line.get("id") for line in lines if line.get("state") in ("confirmed", "undone")}
    return [
        Move(**line["move"])
        for line in lines
        if line.get("state") == "intent" and line.get("id") not in closed
    ]


def _stamp() -> dict[str, str]:
    return {
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "user": getpass.getuser(),
        "host": platform.node(),
    }
