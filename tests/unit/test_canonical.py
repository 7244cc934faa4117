"""tui/headless/canonical.py rebuilds the models' dump without pydantic, or defers: never a third form."""

from __future__ import annotations

import copy
import itertools

import pytest

from tui.api.liveramp import models as m
from tui.core.repo import adapter
from tui.headless.canonical import SHAPES, shape

MODELS = {"runs": m.QuestionRun, "cleanrooms": m.CleanRoom, "questions": m.CleanRoomQuestion}

RUN = {"id": "r1", "name": "Run 1", "status": "COMPLETED", "submittedAt": "2026-11-01T10:00:00Z",
       "executedAt": "2026-11-01T10:00:05.123Z", "completedAt": "",
       "parameters": {"CRM_ATTRIBUTE": "AGE_RANGE"},
       "partitionParameters": [{"name": "exposures.date_start", "value": "2026-11-01"}],
       "runMetadata": {"dataOutLocation": "s3://x", "datasetParameters": [{"dataSetId": "d", "hashedColumns": "a,b"}]},
       "isRetryable": True, "questionVersion": 3, "somethingNew": {"x": 1}}
ROOM = {"id": "c1", "displayId": "CR-1", "name": "Room", "partners": ["Acme", "Beta"], "startAt": "2026-01-01",
        "endAt": "", "questionsCount": 4, "status": "ACTIVE", "cleanRoomParameters": {"k": "v"},
        "timeAudit": {"createdAt": "2026-01-01T00:00:00+02:00", "updatedAt": None}}
QUESTION = {"id": "q1", "name": "Q", "displayId": "CRQ-1", "createdOn": "2026-01-01T00:00:00",
            "dimension": None, "parameters": [{"name": "P", "type": "STRING"}], "cleanroomId": "c1"}
SAMPLES = {"runs": RUN, "cleanrooms": ROOM, "questions": QUESTION}

#: values the models read their own way: the fast path must either agree or defer
ODD = [None, "", "  ", "not a date", "2026-11-01", "2026-11-01T10:00:00", "2026-11-01T10:00:00.5+00:00",
       "2026-11-01T10:00:00-05:30", "01-11-2026 10:00:00", 1760000000, 1760000000000, 3, 0, True, 2.5, [], {},
       ["a", 1], {"a": 1, "b": None}, [{"name": "a", "value": 1}], "a, b"]


def models_dump(kind, body):
    model = MODELS[kind]
    try:
        return adapter(list[model]).dump_python(adapter(list[model]).validate_python(body), mode="json",
                                                by_alias=True)
    except Exception:
        return "invalid"


def test_shapes_name_the_models_fields_in_their_order():
    for kind, model in MODELS.items():
        fields, _ = SHAPES[kind]
        assert [name for name, _ in fields] == list(model().model_dump(by_alias=True)), kind
        assert shape(kind, [{"id": "x"}]) == models_dump(kind, [{"id": "x"}])  # the defaults


@pytest.mark.parametrize("kind", sorted(MODELS))
def test_sample_answers_shape_like_the_models(kind):
    body = [SAMPLES[kind]]
    assert shape(kind, body) == models_dump(kind, body)


@pytest.mark.parametrize("kind", sorted(MODELS))
def test_odd_values_agree_with_the_models_or_defer(kind):
    fields, _ = SHAPES[kind]
    deferred = agreed = 0
    for (name, _), value in itertools.product(fields, ODD):
        if name == "id":
            continue
        item = copy.deepcopy(SAMPLES[kind])
        item[name] = value
        got = shape(kind, [item])
        if got is None:
            deferred += 1
            continue
        assert got == models_dump(kind, [item]), (name, value)
        agreed += 1
    assert agreed and deferred  # both happen: the fast path is not simply switched off
    nulls = {name: None for name, _ in fields if name != "id"}
    assert shape(kind, [{**SAMPLES[kind], **nulls}]) is not None  # null for missing: the platform's habit


def test_spellings_the_models_translate_defer():
    assert shape("runs", [{**RUN, "ID": "x"}]) is None
    assert shape("questions", [{**QUESTION, "title": "T"}]) is None
    assert shape("runs", [{**RUN, "runMetadata": {"datasetParameters": [{"datasetId": "d"}]}}]) is None
    assert shape("runs", ["not an object"]) is None
