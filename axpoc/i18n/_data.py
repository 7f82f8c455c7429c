"""What reading, cleaning and splitting the data did, as sentences a Korean or English reader can read."""

from __future__ import annotations

from types import MappingProxyType

from axpoc.i18n._phrase import Phrase


class DirtyNote(Phrase):
    """What the rules did in one column, said in the report's language (English for logs and JSON)."""

    templates = MappingProxyType(
        {
            "column": ("숫자 열 '{column}': {parts}", "numeric column '{column}': {parts}"),
            "censored": (
                "검출 한계 값 {n}개를 그 수로 읽음 ('<0.01' → 0.01)",
                "{n} censored read as the limit ('<0.01' -> 0.01)",
            ),
            "annotated": (
                "주석이 붙은 값 {n}개를 앞의 수로 읽음 ('158(Hv30)' → 158)",
                "{n} annotated read as the leading number ('158(Hv30)' -> 158)",
            ),
            "ranges": (
                "범위 값 {n}개를 중간값으로 읽음 ('150-200' → 175)",
                "{n} ranges read as the midpoint ('150-200' -> 175)",
            ),
            "missing_tokens": (
                "결측 표기 {n}개를 결측으로 읽음 ('N/A', '-', 'N', '없음')",
                "{n} missing tokens read as missing ('N/A', '-', 'N', '없음')",
            ),
            "thousands": (
                "천 단위 구분 기호 {n}개를 뺌 ('1,234' → 1234)",
                "{n} thousands separators stripped ('1,234' -> 1234)",
            ),
            "unparsable": (
                "규칙으로 읽을 수 없는 값 {n}개 (예: {samples}) — 열을 텍스트 그대로 둠{hint}",
                "{n} unparsable, e.g. {samples}; column left as text{hint}",
            ),
            "hint_thousands": (
                " (천 단위 구분 기호를 빼려면 data.read.thousands: '{group}' 설정)",
                " (set data.read.thousands: '{group}' to strip thousands separators)",
            ),
            "hint_fail": (
                " (data.read.dirty_numbers가 'fail'임; 'parse'는 문서의 규칙으로 읽음)",
                " (data.read.dirty_numbers is 'fail'; 'parse' reads them by the documented rules)",
            ),
            "no_hint": ("", ""),
            "times": ("'{column}': 날짜·시간으로 읽음", "'{column}': read as date-time"),
        }
    )


class ReadNote(Phrase):
    """One thing the reader detected or left out in one file."""

    templates = MappingProxyType(
        {
            "in_file": ("{file}: {note}", "{file}: {note}"),
            "encoding": ("인코딩 {encoding}", "encoding {encoding}"),
            "encoding_detected": ("인코딩 {encoding} 감지", "encoding {encoding} detected"),
            "separator": ("구분자 {sep!r} 감지", "separator {sep!r} detected"),
            "header_skipped": (
                "{header}번째 행에서 머리글을 찾아 그 위 {above}개 행을 건너뜀",
                "header detected on row {header}; the {above} row(s) above it were skipped",
            ),
            "header_row": ("{header}번째 행에서 머리글을 찾음", "header detected on row {header}"),
            "header_rows_above": (
                "{header}번째 행에서 머리글을 찾아 그 위 행을 건너뜀",
                "header detected on row {header}; rows above skipped",
            ),
            "decimal_comma": (
                "소수점 ',' 감지 ('40,3' 같은 수); 쉼표가 천 단위 구분이면 data.read.thousands: ','로 설정하세요",
                "decimal mark ',' detected (numbers such as '40,3'); set data.read.thousands: ',' if the commas "
                "separate thousands instead",
            ),
            "repeated_header": (
                "반복된 머리글 행 {n}개를 뺌: {rows}행",
                "dropped {n} repeated header row(s): row {rows}",
            ),
            "summary_row": (
                "끝의 합계 행 {row}행 ('{first}')을 뺌",
                "dropped the summary row {row} ('{first}') at the end",
            ),
            "empty_columns": ("이름 없는 빈 열 {n}개를 뺌", "dropped {n} empty unnamed column(s)"),
            "empty_rows": ("빈 행 {n}개를 뺌", "dropped {n} empty row(s)"),
            "sheet": (
                "시트 {total}개 중 '{sheet}'을(를) 읽음; 다른 시트는 data.read.sheet로 지정하세요",
                "read sheet '{sheet}' of {total}; set data.read.sheet for another",
            ),
            "html_table": (
                "HTML 표 {total}개 중 {index}번 (0부터)을 읽음; 다른 표는 data.read.sheet로 지정하세요",
                "read HTML table {index} of {total} (0-based); set data.read.sheet for another",
            ),
            "workbook_renamed": (
                "'{suffix}' 이름으로 저장된 {kind} 통합 문서",
                "an {kind} workbook saved under a '{suffix}' name",
            ),
            "text_as_xls": (
                ".xls 이름으로 저장된 텍스트 (Excel 통합 문서가 아님)",
                "text (not an Excel workbook) saved under an .xls name",
            ),
        }
    )


class SplitNote(Phrase):
    """The holdout and CV descriptions (a CV plan with notes is `axpoc.i18n.joined` of them)."""

    templates = MappingProxyType(
        {
            # the holdout: "{method} split{auto}{on}: train {train}, test {test}{seeded}{positives}"
            # warnings about the split
            "ignores_roles": (
                "split.method '{method}'은(는) {roles}을(를) 무시합니다: 같은 기간·로트의 행이 양쪽에 들어가 테스트 "
                "점수가 새 데이터에서보다 좋아 보입니다. split.method: auto ({better})를 쓰세요.",
                "split.method '{method}' ignores {roles}: rows from the same period or lot land on both sides, "
                "so the test score will look better than it will be on new data. Use split.method: auto ({better}).",
            ),
            "role": ("columns.{role} '{name}'", "columns.{role} '{name}'"),
            "and": ("{first}와(과) {second}", "{first} and {second}"),
            "cuts_groups": (
                "시간 분할이 '{group}'의 그룹 {cut}개를 가릅니다 (양쪽에 행이 있음); 그룹을 온전히 두려면 "
                "split.method: time_group을 쓰세요.",
                "the time split cuts through {cut} group(s) of '{group}' (rows on both sides); use "
                "split.method: time_group to keep them whole.",
            ),
            "groups_overlap": (
                "'{group}'의 그룹들이 시간상 겹칩니다: 테스트 {early:,}행이 마지막 학습 행보다 이릅니다. 그룹은 "
                "온전히 두고 중앙 시각 순으로 나눴습니다.",
                "groups of '{group}' overlap in time: {early:,} test rows are earlier than the last training row. "
                "Groups are kept whole and ordered by their median time.",
            ),
            "few_groups": (
                "{side_word}에 '{group}'의 그룹이 {count}개뿐입니다; 로트·금형·공구 {minimum}개 미만에서 나온 점수는 "
                "새 그룹에 대해 말해 주는 것이 적습니다. 더 많은 그룹의 데이터를 모으세요.",
                "the {side} part holds only {count} group(s) of '{group}'; a score from fewer than {minimum} "
                "lots/molds/tools says little about new ones. Add data from more groups.",
            ),
            "side_train": ("학습 부분", "train"),
            "side_test": ("테스트 부분", "test"),
            "few_positives": (
                "테스트 부분의 양성 사례가 {found}건뿐입니다 (클래스 {label}); 이렇게 적은 불량으로 낸 KPI 추정은 "
                "매우 불확실합니다. 불량 사례를 더 모으거나 split.test_size를 키우세요.",
                "the test part has only {found} positive case(s) (class {label}); KPI estimates on so few defects "
                "are very uncertain. Collect more defect cases or raise split.test_size.",
            ),
            "few_class_cases": (
                "테스트 부분에 {minimum}건 미만인 클래스가 있습니다 ({rare}); 그 점수는 매우 불확실합니다. 그 클래스의 "
                "사례를 더 모으거나 split.test_size를 키우세요.",
                "the test part has fewer than {minimum} cases of some classes ({rare}); their scores are very "
                "uncertain. Collect more cases of those classes or raise split.test_size.",
            ),
            "split": (
                "{method} 분할{auto}{on}: 학습 {train}, 테스트 {test}{seeded}{positives}",
                "{method} split{auto}{on}: train {train}, test {test}{seeded}{positives}",
            ),
            "method_time": ("시간", "time"),
            "method_group": ("그룹", "group"),
            "method_time_group": ("시간+그룹", "time+group"),
            "method_predefined": ("지정", "predefined"),
            "method_stratified": ("층화", "stratified"),
            "method_random": ("무작위", "random"),
            "auto": (" (자동: {why})", " (auto: {why})"),
            "why_time_group": (
                "columns.time '{time}'와 columns.group '{group}'이 설정됨",
                "columns.time '{time}' and columns.group '{group}' are set",
            ),
            "why_time": ("columns.time '{time}'이 설정됨", "columns.time '{time}' is set"),
            "why_group": ("columns.group '{group}'이 설정됨", "columns.group '{group}' is set"),
            "why_none": (
                "시간·그룹 열 없음, {task} 타깃",
                "no time or group column, {task} target",
            ),
            "on_time": (" ('{time}' 기준)", " on '{time}'"),
            "on_group": (" ('{group}' 기준)", " on '{group}'"),
            "on_time_group": (" ('{group}' 그룹, '{time}' 순)", " on '{group}' by '{time}'"),
            "side_rows": ("{rows:,}행", "{rows:,} rows"),
            "side_groups": ("그룹 {groups:,}개 ({rows:,}행)", "{groups:,} groups ({rows:,} rows)"),
            "side_span": ("{span} ({rows:,}행)", "{span} ({rows:,} rows)"),
            "side_groups_span": (
                "그룹 {groups:,}개 {span} ({rows:,}행)",
                "{groups:,} groups {span} ({rows:,} rows)",
            ),
            "seeded": (", 시드 {seed}", ", seed {seed}"),
            "positives": (
                "; 양성 ({label}): 학습 {train:,}, 테스트 {test:,}",
                "; positives ({label}): train {train:,}, test {test:,}",
            ),
            # the cross-validation plan
            "cv_time": (
                "'{time}' 기준 {n}겹 전진 교차 검증 (확장 창, 간격 {gap})",
                "{n}-fold forward-chaining CV on '{time}' (expanding window, gap {gap})",
            ),
            "cv_time_group": (
                "'{time}' 순으로 정렬한 '{group}' 그룹 단위 {n}겹 전진 교차 검증 (확장 창, 간격 {gap})",
                "{n}-fold forward-chaining CV over groups of '{group}' ordered by '{time}' "
                "(expanding window, gap {gap})",
            ),
            "cv_group": (
                "'{group}' 기준 {n}겹 {kind} (섞음, 시드 {seed})",
                "{n}-fold {kind} on '{group}' (shuffled, seed {seed})",
            ),
            "cv_plain": ("{n}겹 {kind} (섞음, 시드 {seed})", "{n}-fold {kind} (shuffled, seed {seed})"),
            "reduced": (
                "{requested}겹에서 {n}겹으로 줄임: {reason}",
                "reduced from {requested} to {n} folds: {reason}",
            ),
            "limit_rows": ("학습 부분이 {n}행뿐임", "the training part has only {n} rows"),
            "limit_times": (
                "학습 부분의 서로 다른 시각이 {n}개뿐임",
                "the training part has only {n} distinct times",
            ),
            "limit_groups": (
                "학습 부분의 '{group}' 그룹이 {n}개뿐임",
                "the training part has only {n} groups of '{group}'",
            ),
            "limit_class": ("클래스 {label}의 행이 {n}개뿐임", "class {label} has only {n} rows"),
            "fewer_folds": (
                "시간/그룹 경계에 맞는 폴드가 {n}개뿐임",
                "only {n} folds fit the time/group boundaries",
            ),
            "limit_cases": (
                "학습 부분의 불량(소수 클래스) 사례가 {n}건뿐임",
                "the training part has only {n} defect (minority-class) cases",
            ),
            "blocks_by_cases": (
                "블록을 불량 사례 수로 나눔: 검증 폴드마다 불량 {least}건 이상",
                "blocks sized by defect cases: every validation fold holds at least {least}",
            ),
            "method_resampled": ("반복 층화", "repeated stratified"),
            "too_few_folds": (
                "데이터가 너무 작아 {method} 교차 검증을 할 수 없습니다: 폴드가 2개 이상 필요한데 {reason}. "
                "불량 사례와 행을 더 모으거나(기간·로트를 늘려), split.test_size를 낮추세요",
                "the data is too small for {method} cross-validation: it needs at least 2 folds, but {reason}. "
                "Collect more rows and defect cases (more periods or lots), or lower split.test_size",
            ),
            "too_few_usable": (
                "{method} 교차 검증에 쓸 수 있는 폴드가 {n}개뿐입니다: 학습 부분이 너무 작거나 시각·그룹이 너무 "
                "적습니다. 데이터를 더 모으거나 split.test_size를 낮추세요",
                "{method} cross-validation found only {n} usable fold(s): the training part is too small or "
                "its times/groups too few. Collect more data or lower split.test_size",
            ),
            # small data: no holdout
            "small_rows": (
                "레이블이 있는 행이 {n}개로 {limit}개 미만",
                "{n} labelled rows, fewer than {limit}",
            ),
            "small_cases": (
                "클래스 {label}의 사례가 {n}건으로 {limit}건 미만",
                "{n} cases of class {label}, fewer than {limit}",
            ),
            "resampled": (
                "작은 데이터 ({why}): 따로 떼어 둔 테스트 부분 없음. 후보 비교, KPI와 그 구간은 {rows}행 전체의 "
                "{repeats}회 반복 교차 검증에서 나온 교차 검증 밖(out-of-fold) 예측으로 계산함 (각 행은 그 행을 "
                "보지 않은 모델이 채점)",
                "small data ({why}): no separate test part; the comparison, the KPIs and their intervals come "
                "from out-of-fold predictions of {repeats}x repeated cross-validation on all {rows} rows (every "
                "row scored by models that never saw it)",
            ),
            "cv_repeated": (
                "{repeats}회 반복 {n}겹 {kind} (섞음, 시드 {seed}부터)",
                "{repeats}x repeated {n}-fold {kind} (shuffled, seeds from {seed})",
            ),
            "empty_class": (
                "검증 폴드 {n}개 중 {lacking}개에 빠진 클래스가 있음 (그 사례가 적은 그룹이나 기간에 몰려 있음)",
                "{lacking} of {n} validation folds miss a class (its cases sit in few groups or periods)",
            ),
        }
    )


class ProblemNote(Phrase):
    """A problem of the data that stops or spoils a PoC, naming the column and the fix."""

    templates = MappingProxyType(
        {
            "empty": (
                "열 '{column}'이(가) 비어 있습니다 ({rows}개 값이 모두 결측): 열을 빼거나 내보내기를 고치세요",
                "column '{column}' is empty (all {rows} values missing); drop it or fix the export",
            ),
            "no_target": (
                "목표 열 '{target}'이(가) 데이터에 없습니다: 설정의 target.column을 고치세요",
                "target column '{target}' is not in the data; fix target.column in the config",
            ),
            "one_class": (
                "목표 '{target}'에 클래스가 하나뿐입니다 (레이블 있는 {rows}행 모두 {value}): 모델에는 두 클래스 이상의 "
                "예가 필요합니다",
                "target '{target}' has only one class ({value} in all {rows} labelled rows); a model needs "
                "examples of at least two classes",
            ),
            "duplicate_ids": (
                "columns.id '{column}': {rows}행이 다른 행과 id가 같습니다 (예: {examples}); 중복 행을 지우거나 다른 "
                "id 열을 고르세요",
                "columns.id '{column}': {rows} rows share an id with another row (e.g. {examples}); remove "
                "duplicated rows or choose another id column",
            ),
            "numbers_and_text": (
                "열 '{column}'에 숫자와 텍스트가 섞여 있습니다 (예: {examples}); 그 칸을 고치거나 표시어를 "
                "data.read.na_values에 적으세요",
                "column '{column}' holds numbers and text (e.g. {examples}); fix those cells, or list the "
                "markers in data.read.na_values",
            ),
        }
    )


class LeakNote(Phrase):
    """Why a column is suspected of leaking the label, an id, the calendar or a post-process value."""

    templates = MappingProxyType(
        {
            "predicts_alone": (
                "이 열 하나로 '{target}'을(를) {measure} {score:.3f}로 예측함: 부품을 만들기 전에 알 수 있는 값인가요?",
                "alone predicts '{target}' with {measure} {score:.3f}; is it known before the part is made?",
            ),
            "flag": (
                "0/1 플래그: 양성 {positives}개 중 {precision:.0%}가 '{label}' = {cls!r} (기준 비율 {base_rate:.1%}): "
                "레이블과 함께 기록된 불량 유형인가요?",
                "0/1 flag: {precision:.0%} of its {positives} positives have '{label}' = {cls!r} "
                "(base rate {base_rate:.1%}); a failure mode recorded with the label?",
            ),
            "flag_sibling": (
                "레이블 누수 플래그 {leaking}와(과) 한 블록에 있는 0/1 플래그: 혼자서는 예측력이 작아도 결과와 함께 "
                "기록된 또 하나의 하위 레이블일 가능성",
                "0/1 flag in one block with the label-leak flags {leaking}: likely another sub-label recorded with "
                "the outcome, although alone it predicts little",
            ),
            "row_counter": (
                "증가하는 정수열 ({first:.0f}..{last:.0f}): 행 번호",
                "increasing integer sequence ({first:.0f}..{last:.0f}): a row counter",
            ),
            "integer_id": (
                "{n}개 행 모두 값이 다른 정수: 식별자(ID)",
                "integers unique in every one of {n} rows: an identifier",
            ),
            "text_id": (
                "{rows}개 행에 서로 다른 값 {distinct}개인 텍스트: 식별자(ID)",
                "text with {distinct} distinct values in {rows} rows: an identifier",
            ),
            "timestamp": (
                "날짜/시각을 특성으로 쓰면 모델이 공정이 아니라 달력을 배웁니다: columns.time으로 지정하거나 제외하세요",
                "a date/time used as a feature: the model learns the calendar, not the process; set it as "
                "columns.time or exclude it",
            ),
            "post_process": (
                "열 이름에 '{word}'이(가) 들어 있음: 공정이 끝난 뒤 측정하거나 결정한 값인가요?",
                "the name contains '{word}': a value measured or decided after the process?",
            ),
        }
    )
