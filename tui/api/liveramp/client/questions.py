"""Questions in a clean room and their runs: a ``LiveRampClient`` mixin."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from ...http import ApiError
from .. import paths
from ..models import (
    ActivationSummary,
    CleanRoomQuestion,
    CleanRoomQuestionResponse,
    PartitionParameterValue,
    Permission,
    Question,
    QuestionParameters,
    QuestionRun,
    ResultShare,
    ReturnObject,
    RunAudit,
    RunResultData,
    Success,
)
from .core import (
    MAX_RUNS_PAGE,
    PLATFORM,
    ClientCore,
    Day,
    _day,
    _items,
    _seg,
    _str_dict,
    _wire_str,
)


class QuestionsApi(ClientCore):
    """Questions and question runs."""

    # ------------------------------------------------------------------ questions

    async def get_question(self, question_id: str) -> Question:
        return await self._get_one(Question, f"/question/{_seg(question_id)}")

    async def list_cleanroom_questions(self, cleanroom_id: str, question_type: str | None = None,
                                       start_date: Day | None = None, end_date: Day | None = None,
                                       limit: int = 500, offset: int = 0) -> list[CleanRoomQuestion]:
        """``question_type`` is ``"List"`` or ``"Analytical"`` (SPEC); dates filter on createdOn."""
        params = {"questionType": question_type, "startDate": _day(start_date), "endDate": _day(end_date),
                  "limit": limit, "offset": offset}
        return await self._get_many(CleanRoomQuestion, paths.cleanroom_questions(cleanroom_id), params)

    async def iter_cleanroom_questions(self, cleanroom_id: str, question_type: str | None = None,
                                       start_date: Day | None = None, end_date: Day | None = None,
                                       page_size: int = 500) -> AsyncIterator[CleanRoomQuestion]:
        async def fetch(limit: int, offset: int) -> list[CleanRoomQuestion]:
            return await self.list_cleanroom_questions(cleanroom_id, question_type, start_date, end_date,
                                                       limit, offset)
        async for question in self._paged(fetch, page_size):
            yield question

    async def get_cleanroom_question(self, cleanroom_question_id: str) -> CleanRoomQuestion:
        return await self._get_one(CleanRoomQuestion, f"/cleanroom-questions/{_seg(cleanroom_question_id)}")

    async def question_parameters(self, cleanroom_question_id: str) -> QuestionParameters:
        return await self._get_one(
            QuestionParameters,
            f"/cleanroom-questions/{_seg(cleanroom_question_id)}/cleanroom-question-parameters")

    async def question_permissions(self, cleanroom_question_id: str) -> list[Permission]:
        return await self._get_many(
            Permission, f"/cleanroom-questions/{_seg(cleanroom_question_id)}/cleanroom-question-permissions")

    async def question_tags(self, cleanroom_question_id: str) -> list[str]:
        data = await self._json("GET", f"/cleanroom-questions/{_seg(cleanroom_question_id)}/cleanroom-question-tags")
        return [str(tag) for tag in _items(data) if isinstance(tag, str | int | float)]

    async def question_result_shares(self, cleanroom_question_id: str) -> list[ResultShare]:
        return await self._get_many(
            ResultShare, f"/cleanroom-questions/{_seg(cleanroom_question_id)}/cleanroom-question-result-shares")

    async def add_question_to_cleanroom(self, cleanroom_id: str, question_id: str,
                                        is_editable: bool = True) -> CleanRoomQuestionResponse:
        """Query key ``questionId`` per SPEC (the SDK spells it ``questionID``); no body."""
        path = f"/cleanrooms/{_seg(cleanroom_id)}/cleanroom-questions"
        params = {"questionId": question_id, "isEditable": _wire_str(is_editable)}
        return self._one(CleanRoomQuestionResponse, await self._json("POST", path, params=params), path)

    async def delete_cleanroom_question(self, cleanroom_question_id: str) -> Success:
        path = f"/cleanroom-questions/{_seg(cleanroom_question_id)}"
        return self._one(Success, await self._json("DELETE", path), path)

    # ------------------------------------------------------------------ question runs

    async def list_runs(self, cleanroom_question_id: str, status: str | None = None,
                        start_date: Day | None = None, end_date: Day | None = None,
                        limit: int = 30, offset: int = 0) -> list[QuestionRun]:
        """Runs of one question (``status`` filter per SPEC); ``limit`` is capped at 100."""
        params = {"status": status, "startDate": _day(start_date), "endDate": _day(end_date),
                  "limit": max(1, min(int(limit), MAX_RUNS_PAGE)), "offset": offset}
        return await self._get_many(
            QuestionRun, paths.question_runs(cleanroom_question_id), params)

    async def iter_runs(self, cleanroom_question_id: str, status: str | None = None,
                        start_date: Day | None = None, end_date: Day | None = None,
                        page_size: int = MAX_RUNS_PAGE) -> AsyncIterator[QuestionRun]:
        page_size = max(1, min(page_size, MAX_RUNS_PAGE))

        async def fetch(limit: int, offset: int) -> list[QuestionRun]:
            return await self.list_runs(cleanroom_question_id, status, start_date, end_date, limit, offset)
        async for run in self._paged(fetch, page_size):
            yield run

    async def get_run(self, run_id: str) -> QuestionRun:
        """One run's status: budgeted on the platform (≤ 20 per object per hour)."""
        return await self._get_one(QuestionRun, paths.question_run(run_id))

    async def create_run(self, cleanroom_question_id: str, name: str, parameters: dict[str, str],
                         partition_parameters: list[dict[str, str]] | None = None) -> QuestionRun:
        """``POST …/create-run`` — sent once, never retried (no idempotency key exists).

        If the answer is lost, reconcile by listing runs; do not post again.
        """
        path = f"/cleanroom-questions/{_seg(cleanroom_question_id)}/create-run"
        body: dict[str, Any] = {"name": name, "parameters": _str_dict(parameters)}
        if partition_parameters is not None:
            body["partitionParameters"] = [_str_dict(p) for p in partition_parameters]
        return self._one(QuestionRun, await self._json("POST", path, json_body=body), path)

    async def run_data(self, run_id: str, limit: int = 500, offset: int = 0) -> RunResultData:
        return await self._get_one(RunResultData, f"/cleanroom-question-runs/{_seg(run_id)}/data",
                                   {"limit": limit, "offset": offset})

    async def run_data_count(self, run_id: str) -> int:
        path = f"/cleanroom-question-runs/{_seg(run_id)}/data/count"
        data = await self._json("GET", path)
        if isinstance(data, dict):
            data = data.get("count")
        try:
            return int(data)
        except (TypeError, ValueError):
            raise ApiError(message=f"unexpected row count {str(data)[:40]!r}", code="BAD_RESPONSE",
                           platform=PLATFORM, method="GET", path=path) from None

    async def download_run_file(self, run_id: str, file_name: str) -> bytes:
        return await self._bytes(f"/cleanroom-question-runs/{_seg(run_id)}/download/{_seg(file_name)}")

    async def run_audit(self, run_id: str) -> RunAudit:
        return await self._get_one(RunAudit, f"/cleanroom-question-runs/{_seg(run_id)}/audit")

    async def run_partition_parameters(self, run_id: str) -> list[PartitionParameterValue]:
        return await self._get_many(PartitionParameterValue,
                                    f"/cleanroom-question-runs/{_seg(run_id)}/partition-parameters")

    async def run_activation_summary(self, run_id: str) -> ActivationSummary:
        return await self._get_one(ActivationSummary, f"/cleanroom-question-runs/{_seg(run_id)}/activation-summary")

    async def update_run_status(self, run_id: str, status: str,
                                post_run_details: dict[str, str] | None = None) -> ReturnObject:
        """For customer-executed runs reporting back; it is not a cancel."""
        path = f"/cleanroom-question-runs/{_seg(run_id)}"
        body: dict[str, Any] = {"id": run_id, "status": status}
        if post_run_details is not None:
            body["postRunDetails"] = _str_dict(post_run_details)
        return self._one(ReturnObject, await self._json("PUT", path, json_body=body), path)

    async def delete_run(self, run_id: str) -> Success:
        path = f"/cleanroom-question-runs/{_seg(run_id)}"
        return self._one(Success, await self._json("DELETE", path), path)
