"""Notes of the flows: what preparing the data left out, what recovery did with a half-done alias move, why
a scored row deserves a second look."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from axpoc.i18n._phrase import Phrase


class PrepareNote(Phrase):
    """Rows or columns left out before training, and how little data there is."""

    templates = MappingProxyType(
        {
            "unlabelled": (
                "목표 변수 '{target}'에 값이 없는 {rows:,}행을 제외했습니다 (레이블 있는 행 {kept:,}행으로 진행).",
                "{rows:,} rows without a value in target '{target}' were left out ({kept:,} labelled rows go on).",
            ),
            "outcome_columns": (
                "{columns}: '{process}' 공정 템플릿의 결과 열(부품을 만든 뒤에야 알 수 있는 값)이라 특성에서 "
                "자동으로 제외했습니다.",
                "{columns}: outcome columns of the '{process}' template (results known only after the part is "
                "made), left out of the features automatically.",
            ),
            "small_data": (
                "레이블 있는 행이 {rows:,}행뿐입니다: 신뢰구간이 넓고 후보 모델의 순위는 확정적인 결론이 아닙니다. "
                "결정 전에 데이터를 더 모으세요.",
                "only {rows:,} labelled rows: intervals are wide and the ranking of candidates is not a firm "
                "conclusion; collect more data before deciding",
            ),
        }
    )


class RecoveryNote(Phrase):
    """What the next command did with a move a stopped process left half done (notes, reports, logs)."""

    templates = MappingProxyType(
        {
            "completed": (
                "중단된 별칭 이동을 완료했습니다: {action} v{version} (중단 시각 {time}); 별칭·태그·승격 기록이 "
                "이제 일치합니다",
                "completed an alias move a stopped process left half done: {action} v{version} (started "
                "{time}); aliases, tags and the promotion log agree again",
            ),
            "undone": (
                "중단된 별칭 이동을 취소했습니다: {action} v{version} (중단 시각 {time}); 별칭이 움직이기 전에 "
                "멈췄으므로 이전 상태 그대로입니다",
                "undid an alias move a stopped process left half done: {action} v{version} (started {time}); "
                "it stopped before the alias moved, so everything stays as it was",
            ),
        }
    )


# Flags: scored, but outside what the model has seen ---------------------------------------------------------
class InputFlag(Phrase):
    """Why a scored row deserves a second look; ``head`` phrases are what ``--json`` counts."""

    templates = MappingProxyType(
        {
            "outside_range": (
                "{column}: 학습 범위({low}..{high}) 밖",
                "{column}: outside the training range ({low}..{high})",
            ),
            "unseen_category": ("{column}: 학습에 없던 범주", "{column}: category not seen in training"),
            "with_value": ("{head} (값 {value})", "{head} (got {value})"),
        }
    )


# Retraining: how the reference and the new rows were combined and which rows judge the challenger ----------
class CombineNote(Phrase):
    """How ``axpoc retrain`` combined the champion's data with the new rows and chose its holdout."""

    templates = MappingProxyType(
        {
            "replaced": (
                "기준 데이터 {n}행이 새 데이터 행과 id('{column}')가 같아 새 행을 남겼습니다.",
                "{n} reference rows had the id of a new row ('{column}'); the new rows were kept.",
            ),
            "no_id": (
                "columns.id가 없어 새 행이 기준 데이터와 중복되는지 확인하지 않았습니다.",
                "no columns.id: new rows were not checked for duplicates of the reference.",
            ),
            "window_days": ("'{column}' 기준 최근 {days}일", "last {days} days by '{column}'"),
            "window_rows": ("최근 {rows:,}행", "last {rows:,} rows"),
            "window_both": ("{days}, {rows}", "{days}, {rows}"),
            "holdout_time": (
                "평가 데이터: '{column}' 기준 가장 최근 {share} 행{groups}",
                "holdout: the most recent {share} of the rows by '{column}'{groups}",
            ),
            "holdout_order": (
                "평가 데이터: 파일 순서(기준 데이터 다음 새 파일)로 마지막 {share} 행 — 설정에 시간 열"
                "(columns.time)이 없음{groups}",
                "holdout: the last {share} of the rows in file order (reference first, then the new file): the "
                "config names no time column (columns.time){groups}",
            ),
            "holdout_rows": ("{holdout} ({rows:,}행)", "{holdout} ({rows:,} rows)"),
            "whole_groups": (", '{column}' 그룹 단위로", ", whole groups of '{column}'"),
        }
    )


class ProductNote(Phrase):
    """Per-product models and products the champion never saw: what happens to each product."""

    templates = MappingProxyType(
        {
            "per_product": (
                "제품별 모델 (retrain.per_product): {own}; 다른 제품은 공통 모델이 채점합니다.",
                "per-product models (retrain.per_product): {own}; other products are scored by the shared model.",
            ),
            "own_model": ("{product} ({rows:,}행)", "{product} ({rows:,} rows)"),
            "none": ("없음", "none"),
            "no_own_model": (
                "제품 {product}: 전용 모델 없이 공통 모델이 채점합니다: {reason}",
                "product {product}: no own model, scored by the shared model: {reason}",
            ),
            "too_few_rows": (
                "학습 행 {rows}개 < retrain.min_rows_per_product {minimum}",
                "{rows} training rows < retrain.min_rows_per_product {minimum}",
            ),
            "missing_class": (
                "클래스 {classes}의 학습 행이 없음",
                "no training rows of class {classes}",
            ),
            "only_holdout": ("학습 행 없음 (평가 데이터에만 있음)", "no training rows (only in the holdout)"),
            "gets_own": (
                "학습 행이 retrain.min_rows_per_product에 이르면 전용 모델을 받습니다",
                "gets its own sub-model if its training rows reach retrain.min_rows_per_product",
            ),
            "too_few_own": (
                "전용 모델을 만들기에 행이 너무 적음: 공통 모델이 채점합니다",
                "too few rows for its own model: scored by the shared model",
            ),
            "shared_learns": (
                "공통 모델이 학습합니다 (제품이 특성)",
                "learned by the shared model (product is a feature)",
            ),
            "shared_little": (
                "{rows}행뿐 (< retrain.min_rows_per_product {minimum}): 공통 모델이 거의 보지 못한 제품이니 예측을 "
                "확인하고 데이터를 더 모으세요",
                "only {rows} rows (< retrain.min_rows_per_product {minimum}): the shared model has seen little "
                "of it, check its predictions and collect more data",
            ),
        }
    )


# Batch scoring: what axpoc predict noticed while it read and scored ----------------------------------------
class BatchNote(Phrase):
    """A note of ``axpoc predict`` (console, ``--json`` notes in English, the prediction log)."""

    templates = MappingProxyType(
        {
            "skipped_empty": ("빈 행 {n}개를 건너뜀", "skipped {n} empty row(s)"),
            "duplicates": (
                "{column}: 값 {n}개가 두 번 이상 나와 그 행들을 거부함",
                "{column}: {n} value(s) occur more than once; those rows were rejected",
            ),
            "dirty": ("{column}: {parts}", "{column}: {parts}"),
            "dirty_read": (
                "규칙으로 읽은 지저분한 숫자 {n}개",
                "{n} dirty number(s) read by the rules",
            ),
            "dirty_unreadable": (
                "유한한 숫자로 읽을 수 없는 값 {n}개 (그 행은 거부)",
                "{n} value(s) not readable as a finite number (those rows rejected)",
            ),
            "both": ("{first}, {second}", "{first}, {second}"),
            "no_contract": (
                "모델에 데이터 계약이 없어 행을 검사하지 않았습니다",
                "the model carries no data contract: rows were not checked",
            ),
            "uncompiled": (
                "LightGBM을 컴파일하지 않고 채점함: {reason}",
                "LightGBM scored uncompiled: {reason}",
            ),
            "not_worth_compiling": (
                "아직 컴파일되지 않았고 컴파일할 만큼 행이 많지 않음",
                "not compiled yet and too few rows to be worth compiling",
            ),
            "leftovers": (
                "중단된 predict가 남긴 임시 파일 {n}개를 지움 ({mb:,.1f} MB: {names})",
                "removed {n} temporary file(s) a killed predict had left ({mb:,.1f} MB: {names})",
            ),
            "turned_off": ("꺼져 있음 (accelerate='never')", "turned off (accelerate='never')"),
        }
    )


# Drift: why a feature's drift was graded as it was ----------------------------------------------------------
_EFFECT_KO = {"share ratio": "비율 배수"}
_KIND_KO = {"numeric": "숫자", "categorical": "범주", "curve": "곡선", "datetime": "날짜·시각"}


class DriftNote(Phrase):
    """A feature's drift grade in words: the effect sizes and the test; the kind of a column."""

    templates = MappingProxyType(
        {
            "effect": ("{label_word} {value}", "{label} {value}"),
            "effects": ("{first}, {rest}", "{first}, {rest}"),
            "not_significant": (
                "유의하지 않음 (p={p} >= {alpha}); {shown}",
                "not significant (p={p} >= {alpha}); {shown}",
            ),
            "small": ("유의하지만 작음 (p={p}): {shown}", "significant (p={p}) but small: {shown}"),
            "crossed": ("{crossed} (p={p})", "{crossed} (p={p})"),
            "crossed_one": ("{label_word} {value} >= {band}", "{label} {value} >= {band}"),
            "no_values": ("양쪽 모두 값이 없음", "no value on either side"),
            "all_missing_reference": (
                "기준 데이터의 값이 모두 결측",
                "every value is missing in the reference data",
            ),
            "all_missing_current": (
                "새 데이터의 값이 모두 결측",
                "every value is missing in the current data",
            ),
            "kind": ("{kind_word}", "{kind}"),
        }
    )

    @classmethod
    def _derived(cls, values: Mapping[str, object], language: str) -> dict[str, object]:
        derived: dict[str, object] = {}
        if "label" in values:
            label = str(values["label"])
            derived["label_word"] = _EFFECT_KO.get(label, label) if language == "ko" else label
        if "kind" in values:
            kind = str(values["kind"])
            derived["kind_word"] = _KIND_KO.get(kind, kind) if language == "ko" else kind
        return derived

    @classmethod
    def listing(cls, parts: list[DriftNote]) -> DriftNote:
        """Several phrases as one, separated by commas (each said in the reader's language)."""
        said = parts[-1]
        for part in reversed(parts[:-1]):
            said = cls("effects", {"first": part, "rest": said})
        return said
