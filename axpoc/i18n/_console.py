"""What the ``axpoc`` command prints on the console: Korean by default, English with ``language: en``.

The command's language is the config's ``language`` (the same switch as the reports); ``--json`` output is
data and stays English. Reasons, notes and decisions are phrases of their own rooms and are said in the same
language (:func:`axpoc.i18n.say`).
"""

from __future__ import annotations

from types import MappingProxyType

from axpoc.i18n._phrase import Phrase


class ConsoleText(Phrase):
    """One console line or table title of a verb."""

    templates = MappingProxyType(
        {
            # the error boundary and axpoc's warnings (before a config is read both languages are said)
            "error": ("오류", "Error"),
            "warning": ("경고", "Warning"),
            # progress of run and retrain
            "data": (
                "데이터: {source}, {rows:,}행, 특성 {features}개",
                "data: {source}, {rows:,} rows, {features} features",
            ),
            "split": ("분할: {description}", "split: {description}"),
            "chosen": ("선택: {name} — {conclusion}", "chosen: {name} — {conclusion}"),
            "champion_and_new_data": (
                "챔피언: {model} v{version} ({family}); 새 데이터: {source}, {rows:,}행 — 데이터 계약 통과, "
                "경고 {warnings}개",
                "champion: {model} v{version} ({family}); new data: {source}, {rows:,} rows — contract OK, "
                "{warnings} warnings",
            ),
            "drift": ("드리프트: {summary}", "drift: {summary}"),
            "training_data": (
                "학습 데이터: 기준 {reference:,}행 + 새 데이터 {new:,}행 ({replaced}행 대체){window}; {holdout}",
                "training data: {reference:,} reference + {new:,} new rows ({replaced} replaced){window}; {holdout}",
            ),
            "yes": ("예", "yes"),
            "no": ("아니요", "no"),
            "window": ("; {window}", "; {window}"),
            "holdout_score": (
                "평가 데이터 ({rows:,}행): 도전자 {primary} {challenger:.4f} vs 챔피언 {champion:.4f}",
                "holdout ({rows:,} rows): challenger {primary} {challenger:.4f} vs champion {champion:.4f}",
            ),
            # the comparison's live lines
            "trial": ("{name}: 튜닝 시도 {n}, 마지막 {value:.4f}", "{name}: trial {n}, last {value:.4f}"),
            "candidate_done": (
                "{name}: {mean:.4f} [{low:.4f}, {high:.4f}], 튜닝 시도 {trials}회",
                "{name}: {mean:.4f} [{low:.4f}, {high:.4f}], {trials} trials",
            ),
            "candidate_left": ("{name}: {status} — {reason}", "{name}: {status} — {reason}"),
            # run
            "leaderboard": ("리더보드 (학습 부분의 교차 검증)", "leaderboard (CV on the training part)"),
            "gates": ("게이트 (테스트 데이터)", "gates (on the test part)"),
            "col_gate": ("게이트", "gate"),
            "col_target": ("기준", "target"),
            "col_value": ("측정값", "value"),
            "col_result": ("결과", "result"),
            "col_ci_low": ("신뢰구간 하한", "ci_low"),
            "col_ci_high": ("신뢰구간 상한", "ci_high"),
            "pass": ("합격", "PASS"),
            "fail": ("불합격", "FAIL"),
            "model_alias": (
                "모델: {model} v{version} → {alias} ({reason})",
                "model: {model} v{version} → {alias} ({reason})",
            ),
            "report": ("보고서: {path}", "report: {path}"),
            "done_after": ("완료: {step} 단계까지 {seconds:.0f}초", "done after {step} in {seconds:.0f} s"),
            "step_validate": ("검증", "validate"),
            "step_split": ("분할", "split"),
            "step_compare": ("비교", "compare"),
            "step_evaluate": ("평가", "evaluate"),
            "step_register": ("등록", "register"),
            "step_report": ("보고서", "report"),
            "done": ("완료: {seconds:.0f}초", "done in {seconds:.0f} s"),
            # retrain, drift, rollback, models
            "champion": ("챔피언", "champion"),
            "challenger": ("도전자", "challenger"),
            "new_product": ("새 제품 {product}: {rows:,}행", "new product {product}: {rows:,} rows"),
            "champion_vs_challenger": (
                "챔피언 vs 도전자 (같은 평가 데이터 {rows:,}행)",
                "champion vs challenger (same holdout: {rows:,} rows)",
            ),
            "decision": (
                "결정: v{version} → {alias} ({reason})",
                "decision: v{version} → {alias} ({reason})",
            ),
            "champion_on_new": (
                "새 데이터에서 챔피언 v{version}: {gates}",
                "champion v{version} on the new data: {gates}",
            ),
            "no_gates": ("게이트 없음", "no gates"),
            "drift_table": (
                "드리프트: 큰 드리프트 {major}개, 중간 드리프트 {moderate}개 (기준 {reference:,}행 → 새 데이터 {new:,}행{sampled})",
                "drift: {major} major, {moderate} moderate ({reference:,} reference → {new:,} new rows{sampled})",
            ),
            "drift_sampled": (", 표본 추출", ", sampled"),
            "dcol_feature": ("특성", "feature"),
            "dcol_kind": ("종류", "kind"),
            "dcol_severity": ("심각도", "severity"),
            "dcol_test": ("검정", "test"),
            "dcol_change": ("기준 → 새 데이터", "before → after"),
            "dcol_reason": ("이유", "reason"),
            "rollback": (
                "되돌리기: {model} 챔피언 v{old} → v{new} ({reason})",
                "rollback: {model} champion v{old} → v{new} ({reason})",
            ),
            "checking_drift": ("드리프트 점검 중...", "checking drift..."),
            "validating": ("데이터 검증 중...", "validating..."),
            "profiling": ("프로파일 작성 중...", "profiling..."),
            "validated": (
                "{source}: {rows:,}행{unlabelled} — {verdict}",
                "{source}: {rows:,} rows{unlabelled} — {verdict}",
            ),
            "unlabelled": (" (레이블 없는 {n:,}행은 제외)", " ({n:,} without a label, left out)"),
            "passed": ("통과", "passed"),
            "critical_failures": ("치명적 실패", "critical failures"),
            "contract_table": (
                "데이터 계약: 치명적 {critical}개, 경고 {warnings}개 ({rows}행)",
                "Data contract: {critical} critical, {warnings} warnings ({rows} rows)",
            ),
            "contract_saved": ("데이터 계약 저장: {path}", "contract saved: {path}"),
            # the registry's versions (axpoc models, notebooks)
            "versions": ("모델 버전: {model}", "model versions: {model}"),
            "vcol_version": ("버전", "version"),
            "vcol_aliases": ("별칭", "aliases"),
            "vcol_created": ("등록 시각", "created"),
            "vcol_kind": ("종류", "kind"),
            "vcol_family": ("모델 계열", "family"),
            "vcol_kpis": ("주요 KPI", "KPIs"),
            "vcol_decision": ("결정", "decision"),
            "vcol_reason": ("이유", "reason"),
            "kind_run": ("run (첫 학습)", "run"),
            "kind_retrain": ("retrain (재학습)", "retrain"),
            "decision_promoted": ("승격", "promoted"),
            "decision_rejected": ("도전자(보류)", "rejected"),
            "decision_insufficient_evidence": ("근거 부족", "insufficient_evidence"),
            "decision_rolled_back": ("되돌림", "rolled_back"),
            "decision_incomplete": ("미완료", "incomplete"),
            "decision_running": ("실행 중", "running"),
            "forced": ("강제", "forced"),
            "lcol_time": ("시각", "time"),
            "lcol_user": ("사용자", "user"),
            "lcol_action": ("동작", "action"),
            "lcol_version": ("버전", "version"),
            "lcol_reason": ("이유", "reason"),
            "action_promote": ("승격", "promote"),
            "action_reject": ("도전자로 보류", "reject"),
            "action_rollback": ("되돌리기", "rollback"),
            "action_import": ("가져오기", "import"),
            # export, import, init, demo data (init, demo data and import have no config yet: Korean)
            "exporting": ("내보내는 중...", "exporting..."),
            "exported": (
                "내보내기 완료: {bundle} (파일 {files}개, {mb:,.1f} MB, 챔피언 v{champion})",
                "exported: {bundle} ({files} files, {mb:,.1f} MB, champion v{champion})",
            ),
            "importing": ("가져오는 중...", "importing..."),
            "imported": (
                "가져오기 완료: {project} → {into} (챔피언 v{champion})",
                "imported: {project} → {into} (champion v{champion})",
            ),
            "config": ("설정 파일: {path}", "config: {path}"),
            "next": ("다음 단계: {command}", "next: {command}"),
            "config_written": ("설정 파일을 만들었습니다: {path}", "config written: {path}"),
            "demo_written": ("데모 데이터: {rows}행 → {path}", "demo data: {rows} rows → {path}"),
            "demo_curves": ("곡선: {curves} → {path}", "curves: {curves} → {path}"),
            "feeds_parquet": (
                "--data {out} 그대로 (retrain, drift, predict -i)",
                "--data {out} as it is (retrain, drift, predict -i)",
            ),
            "feeds_parquet_curves": (
                "--data {out} 그대로 (retrain, drift, predict -i); 곡선도 파일 안에 있음",
                "--data {out} as it is (retrain, drift, predict -i); the curves are kept in the file",
            ),
            "feeds_file": (
                "--data {out} (retrain, drift, predict -i)",
                "--data {out} (retrain, drift, predict -i)",
            ),
            "feeds_curves": (
                "설정에 data.path: {name}, data.curves: {{path: {curves}, cycle: {cycle}, index: index}}; "
                "retrain, drift, predict의 --data에는 곡선을 한 파일에 담는 .parquet를 쓰세요",
                "a config with data.path: {name} and data.curves: {{path: {curves}, cycle: {cycle}, index: index}}; "
                "for --data of retrain, drift or predict write .parquet, which keeps the curves in one file",
            ),
            "demo_feeds": ("읽는 법: {feeds}", "feeds: {feeds}"),
            # serve
            "open_host": (
                "경고: --host {host}이면 다른 컴퓨터에서도 모델에 접속할 수 있습니다{token}. 믿을 수 있는 공장 "
                "네트워크에서만 쓰세요.",
                "warning: --host {host} makes the model reachable from other machines{token}. Use it only on a "
                "trusted plant network.",
            ),
            "no_token": (" (토큰 없음: --token-env를 쓰세요)", " without a token (use --token-env)"),
            "serving": (
                "서비스 시작: {model} v{version} ({alias}), http://{host}:{port} — POST /predict, GET /health, "
                "문서 /docs",
                "serving: {model} v{version} ({alias}) on http://{host}:{port} — POST /predict, GET /health, docs /docs",
            ),
            # profile
            "profile_table": (
                "데이터 준비도: {rows}행 × {cols}열",
                "Data readiness: {rows} rows x {cols} columns",
            ),
            "p_item": ("항목", "item"),
            "p_finding": ("결과", "finding"),
            "p_time": ("기간", "time span"),
            "p_time_value": (
                "{start} .. {end} ({span}), 열 '{column}'",
                "{start} .. {end} ({span}), column '{column}'",
            ),
            "p_sampling": ("기록 간격", "sampling"),
            "p_sampling_value": (
                "중앙값 {step:.6g}초, IQR {iqr:.6g}초, 중앙값의 {factor:g}배 넘는 공백: {gaps:.1%}, 시간 역순: {disorder:.1%}",
                "median step {step:.6g} s, IQR {iqr:.6g} s, gaps > {factor:g}x median: {gaps:.1%}, out of order: "
                "{disorder:.1%}",
            ),
            "p_label": ("레이블 '{target}' ({task})", "label '{target}' ({task})"),
            "p_missing": ("결측 비율", "missing"),
            "p_constant": ("값이 하나뿐인 열", "constant columns"),
            "p_group_level": ("그룹마다 값이 하나뿐인 열", "one value per group"),
            "p_dup_columns": ("내용이 같은 열", "duplicate columns"),
            "p_dup_rows": ("중복 행", "duplicate rows"),
            "p_dup_ids": ("중복 ID", "duplicate ids"),
            "p_dirty": ("숫자로 정리한 값 '{column}'", "dirty numbers '{column}'"),
            "p_leakage": ("누수 의심 ({kind})", "leakage? ({kind})"),
            "p_problem": ("문제", "problem"),
            "p_none": ("없음", "none"),
            # the field verbs and the field demo
            "outcomes_recorded": ("결과 저장: {n:,}건 → {store}", "outcomes recorded: {n:,} → {store}"),
            "field_report_written": ("현장 보고서: {path}{pdf}", "field report: {path}{pdf}"),
            "charter_written": ("착수 헌장: {path}{pdf}", "charter: {path}{pdf}"),
            "case_card_written": ("사례 카드: {path}{pdf}", "case card: {path}{pdf}"),
            "pdf": ("  PDF: {path}", "  PDF: {path}"),
            "visit_recorded": (
                "방문 기록: {day} — {n}번째 방문 (계획 {planned}회) → {file}",
                "visit recorded: {day} — visit {n} of {planned} planned → {file}",
            ),
            "field_demo": (
                "현장 기간 데모: 배포일 {deployed}, 부품 {parts:,}개, 기준 기간 {baseline:,}개 → {path}",
                "field period demo: deployed {deployed}, {parts:,} parts, {baseline:,} baseline parts → {path}",
            ),
            # ui
            "ui_open": (
                "MLflow UI: http://127.0.0.1:{port}  (멈추려면 Ctrl-C)",
                "MLflow UI: http://127.0.0.1:{port}  (Ctrl-C to stop)",
            ),
            # recommend
            "searching": ("조건 탐색 중...", "searching settings..."),
            # worker
            "worker_waiting": (
                "작업자: 작업자를 받는 실행을 최대 {seconds:g}초 기다리는 중...",
                "worker: waiting up to {seconds:g} s for a run that takes workers...",
            ),
            "worker_joined": (
                "작업자: 실행 {run} 참여, 특성 {features}개",
                "worker: joined run {run}, {features} features",
            ),
            "worker_done": (
                "작업자 완료: 실행 {run}; 튜닝 시도 {trials}",
                "worker done: run {run}; trials {trials}",
            ),
            "worker_trials": ("{name} {n}회", "{name} {n}"),
            "none": ("없음", "none"),
            # predict
            "scoring": ("채점 중...", "scoring..."),
            "scoring_progress": (
                "채점 중: {rows:,}행, 거부 {rejected:,}행",
                "scoring: {rows:,} rows, {rejected:,} rejected",
            ),
            "model": ("모델: {model} v{version}{alias}", "model: {model} v{version}{alias}"),
            "input": ("입력: {input} — {rows:,}행", "input: {input} — {rows:,} rows"),
            "scored": (
                "채점: {scored:,}행 → {output}; 불량 의심: {flagged:,}행 ({share:.1%})",
                "scored: {scored:,} → {output}; flagged: {flagged:,} ({share:.1%})",
            ),
            "rejected": ("거부: {rejected:,}행 → {rejects}", "rejected: {rejected:,} → {rejects}"),
            "input_flags": (
                "입력 주의: 채점한 {n:,}행에 모델이 학습하지 않은 값이 있습니다 (input_flags 열)",
                "input flags: {n:,} scored row(s) hold values the model was not trained on (column input_flags)",
            ),
            "speed": (
                "{seconds:.1f}초 (초당 {rate:,.0f}행): {stages}",
                "{seconds:.1f} s ({rate:,.0f} rows/s): {stages}",
            ),
            "stage_load": ("불러오기", "load"),
            "stage_read": ("읽기", "read"),
            "stage_check": ("검사", "check"),
            "stage_compile": ("컴파일", "compile"),
            "stage_score": ("채점", "score"),
            "stage_explain": ("설명", "explain"),
            "stage_write": ("쓰기", "write"),
            "stage": ("{stage} {seconds:.1f}초", "{stage} {seconds:.1f}s"),
            "all_rejected": (
                "모든 행이 거부되었습니다: 거부 파일을 확인하세요.",
                "every row was rejected: check the reject file.",
            ),
        }
    )


def console_text(code: str, language: str, **values: object) -> str:
    """One console line in ``language``."""
    return ConsoleText(code, values).text(language)
