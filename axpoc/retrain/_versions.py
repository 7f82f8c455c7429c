"""Model versions after handover: the list with aliases and decisions, and rollback through the
promotion log (the audit trail: append-only, one JSON line per alias move)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from axpoc.errors import UserError
from axpoc.i18n import ConsoleText, DecisionReason, say, stored

_SHOWN_KPIS = ("recall", "false_alarm_rate", "monthly_saving", "defect_escape_rate", "mae", "r2")


def champion_history(entries: list[dict[str, Any]]) -> list[str]:
    """The chain of champions the promotion log describes, oldest first; a rollback unwinds it."""
    stack: list[str] = []
    for entry in entries:
        version = str(entry.get("version"))
        if entry.get("action") == "promote":
            stack.append(version)
        elif entry.get("action") == "rollback" and version in stack:
            while stack[-1] != version:
                stack.pop()
        elif entry.get("action") == "rollback":  # --to a version outside the chain: one step forward
            stack.append(version)
    return stack


def rollback(store: Any, *, to: str | None = None, reason: str | None = None) -> dict[str, Any]:
    """Move ``champion`` back one step of the promotion log (or to version ``to``) and record it.

    The target must exist, have been decided (never a version whose run was killed before its decision,
    nor one with too little evidence) and load; the move is one journaled transaction in which the old
    champion keeps alias ``previous`` and gets the decision tag ``rolled_back``. Raises
    :class:`UserError` when there is nothing to roll back to.
    """
    from mlflow.exceptions import MlflowException

    from axpoc import tracking

    current = tracking.alias_version(store, tracking.CHAMPION)
    if current is None:
        raise UserError(
            f"Model '{store.model_name}' has no champion to roll back; see 'axpoc models CONFIG'."
        )
    target = str(to) if to is not None else _previous_champion(store, current)
    if target == current:
        raise UserError(
            f"v{target} is already the champion; nothing to roll back. See 'axpoc models CONFIG'."
        )
    try:
        version = store.client.get_model_version(store.model_name, target)
    except MlflowException:
        known = ", ".join(
            f"v{v.version}" for v in store.client.search_model_versions(f"name='{store.model_name}'")
        )
        raise UserError(
            f"--to {target}: model '{store.model_name}' has no version {target} (versions: {known})."
        ) from None
    _check_decided(store, target, version.tags)
    _check_loads(store, target)
    why = DecisionReason(
        "rollback", {"old": current, "new": target, "reason": reason or DecisionReason("no_reason")}
    )
    moved = tracking.promote(
        store,
        target,
        reason=why,
        expected_champion=current,
        action="rollback",
        previous_tags={"axpoc.decision": "rolled_back", **tracking.reason_tags(why)},
    )
    if not moved:
        raise UserError(
            "Another process moved the champion while rolling back; check 'axpoc models CONFIG' "
            "and run the rollback again if it is still needed."
        )
    return {
        "model_name": store.model_name,
        "from_version": current,
        "to_version": target,
        "reason": why,
        "notes": list(store.recovered),
    }


def _check_decided(store: Any, target: str, tags: dict[str, str]) -> None:
    """A version whose run stopped before its decision, or with too little evidence, is never champion."""
    decision = tags.get("axpoc.decision")
    if decision in (None, "incomplete"):
        raise UserError(
            f"--to {target}: v{target} of '{store.model_name}' was never decided (its run was stopped before "
            "the decision: 'incomplete' in 'axpoc models CONFIG'), so it cannot be champion. Pick a "
            "version that was decided, or train again with 'axpoc run CONFIG'."
        )
    if decision == "insufficient_evidence":
        raise UserError(
            f"--to {target}: v{target} of '{store.model_name}' was registered with too little evidence "
            f"({tags.get('axpoc.decision_reason', '')}); it can never be champion. Pick another version."
        )


def _check_loads(store: Any, target: str) -> None:
    """The target's model must load: a champion that cannot score would stop predict and serve."""
    from axpoc import tracking

    try:
        tracking.load_poc_model(store, target)
    except Exception as exc:  # whatever a missing or damaged (e.g. truncated) pickle raises
        raise UserError(
            f"--to {target}: v{target} cannot be loaded ({type(exc).__name__}: {str(exc)[:200]}): its model "
            "files are missing or damaged, so it cannot be champion. Pick another version with --to "
            "(see 'axpoc models CONFIG')."
        ) from None


def _previous_champion(store: Any, current: str) -> str:
    from axpoc import tracking

    history = champion_history(tracking.read_promotion_log(store))
    if history and history[-1] == current:
        if len(history) < 2:
            raise UserError(
                f"v{current} is the first champion in the promotion log: there is no earlier one to roll back "
                "to. Use --to VERSION to choose one (see 'axpoc models CONFIG')."
            )
        return history[-2]
    previous = tracking.alias_version(store, tracking.PREVIOUS)  # a log lost or copied without the store
    if previous is None:
        raise UserError(
            "The promotion log does not say which version was champion before, and no version has "
            "alias 'previous'. Use --to VERSION (see 'axpoc models CONFIG')."
        )
    return previous


def list_models(store: Any) -> dict[str, Any]:
    """Every version with aliases, date, kind, family, key KPIs and the decision; the promotion log."""
    from axpoc import tracking

    client = store.client
    versions = sorted(
        client.search_model_versions(f"name='{store.model_name}'"), key=lambda v: int(v.version)
    )
    aliases: dict[str, list[str]] = {}
    for alias, number in client.get_registered_model(store.model_name).aliases.items():
        aliases.setdefault(str(number), []).append(alias)  # search results carry no aliases
    rows = []
    for version in versions:
        tags = version.tags
        metrics, status = _run_metrics(client, version.run_id)
        decision = tags.get("axpoc.decision") or ("running" if status == "RUNNING" else "incomplete")
        primary = tags.get("axpoc.primary", "")
        kpis = {primary: _number(tags.get("axpoc.primary_value"))} if primary else {}
        kpis.update({name: metrics[f"test_{name}"] for name in _SHOWN_KPIS if f"test_{name}" in metrics})
        rows.append(
            {
                "version": str(version.version),
                "aliases": sorted(aliases.get(str(version.version), [])),
                "created": datetime.fromtimestamp(version.creation_timestamp / 1000, UTC).isoformat(
                    timespec="seconds"
                ),
                "kind": tags.get("axpoc.kind", "run"),
                "family": tags.get("axpoc.family", ""),
                "primary": primary,
                "kpis": kpis,
                "gates_passed": tags.get("axpoc.gates_passed"),
                "decision": decision,
                "reason": stored(
                    tags.get(
                        "axpoc.decision_reason",
                        ""
                        if decision != "incomplete"
                        else "no decision was recorded: the run did not finish",
                    ),
                    tags.get("axpoc.decision_reason_ko"),
                ),
                "forced": tags.get("axpoc.forced") == "true",
                "axpoc_version": tags.get("axpoc.version", ""),
                "report": tags.get("axpoc.report", ""),
                "run_id": version.run_id,
            }
        )
    return {
        "model_name": store.model_name,
        "champion": tracking.alias_version(store, tracking.CHAMPION),
        "versions": rows,
        "promotion_log": tracking.read_promotion_log(store),
        "notes": list(store.recovered),
    }


def versions_table(listing: dict[str, Any], *, language: str = "ko") -> Any:
    """The versions of :func:`list_models` as a table a person reads (``axpoc models``, notebooks): Korean
    column names, decisions and reasons by default, English with ``language="en"``."""
    import pandas as pd

    def word(code: str) -> str:
        return (
            ConsoleText(code).text(language)
            if code in ConsoleText.templates
            else code.removeprefix("decision_")
        )

    rows = [
        {
            "vcol_version": row["version"],
            "vcol_aliases": ", ".join(row["aliases"]),
            "vcol_created": row["created"],
            "vcol_kind": word(f"kind_{row['kind']}"),
            "vcol_family": row["family"],
            "vcol_kpis": ", ".join(f"{k} {_shown(v)}" for k, v in list(row["kpis"].items())[:3]),
            "vcol_decision": word(f"decision_{row['decision']}")
            + (f" ({word('forced')})" if row["forced"] else ""),
            "vcol_reason": say(row["reason"], language),
        }
        for row in listing["versions"]
    ]
    table = pd.DataFrame(rows, columns=[f"vcol_{c}" for c in _VERSION_COLUMNS])
    return table.rename(columns=word)


def promotion_log_table(listing: dict[str, Any], *, language: str = "ko") -> Any:
    """The promotion log of :func:`list_models` as a table a person reads: who moved which version when and
    why, Korean by default. A reason is said in Korean where the registry kept the Korean sentence of that
    decision (the log itself is the English audit trail)."""
    import pandas as pd

    said = {str(row["reason"]): row["reason"] for row in listing["versions"]}

    def word(code: str) -> str:
        return (
            ConsoleText(code).text(language)
            if code in ConsoleText.templates
            else code.removeprefix("action_")
        )

    rows = [
        {
            "lcol_time": entry.get("time", ""),
            "lcol_user": f"{entry.get('user', '')}@{entry.get('host', '')}",
            "lcol_action": word(f"action_{entry.get('action', '')}"),
            "lcol_version": entry.get("version", ""),
            "lcol_reason": say(_logged_reason(entry, said), language),
        }
        for entry in listing["promotion_log"]
    ]
    columns = ["lcol_time", "lcol_user", "lcol_action", "lcol_version", "lcol_reason"]
    return pd.DataFrame(rows, columns=columns).rename(columns=word)


def _logged_reason(entry: dict[str, Any], said: dict[str, str]) -> str:
    """A promotion-log line's reason in both languages: the Korean kept in the line itself, else (lines
    written before it was kept) the Korean the registry holds for the same English sentence."""
    english = str(entry.get("reason", ""))
    return stored(english, entry.get("reason_ko")) if entry.get("reason_ko") else said.get(english, english)


_VERSION_COLUMNS = ("version", "aliases", "created", "kind", "family", "kpis", "decision", "reason")


def _shown(value: float | None) -> str:
    if value is None or value != value or value in (float("inf"), float("-inf")):
        return "n/a"
    return f"{value:,.4g}" if abs(value) < 1e5 else f"{value:,.0f}"


def _run_metrics(client: Any, run_id: str | None) -> tuple[dict[str, float], str]:
    from mlflow.exceptions import MlflowException

    if not run_id:
        return {}, ""
    try:
        run = client.get_run(run_id)
    except MlflowException:
        return {}, ""
    return dict(run.data.metrics), run.info.status


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None
