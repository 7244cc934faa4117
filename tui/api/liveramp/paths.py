"""LiveRamp facts as plain strings: the API root, the read paths, page sizes, the token cache
file, and the field spellings of the answers.

Standard library only, and importable without the package's client (``tui/api/liveramp/__init__``
is lazy): both the httpx client (:mod:`.client`, :mod:`.auth`) and the headless fast path
(:mod:`tui.headless.quick`) build on it, so neither restates the other.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import quote

#: the in-process demo's placeholder origin (requests go through an ASGI transport, never a socket)
EMBEDDED_ORIGIN = "http://liveramp.emulator"
#: list pages (SPEC: question runs cap ``limit`` at 100; rooms and questions default to the client's 500)
MAX_RUNS_PAGE = 100
LIST_PAGE = 500
#: a cached token this close to its expiry is not used (refreshed by the client instead)
REFRESH_MARGIN_S = 60.0
#: the token cache file's JSON keys (written by ``auth.TokenState``, read by the fast path too)
TOKEN_KEY = "accessToken"
EXPIRES_KEY = "expiresAt"


def api_root(base_url: str) -> str:
    """``{base_url}/v1`` (a base URL that already ends in ``/v1`` is accepted too)."""
    base = base_url.rstrip("/")
    if base.endswith("/v1"):
        base = base[: -len("/v1")]
    return f"{base}/v1"


def seg(value: str) -> str:
    """One path segment: ids come from API answers and user input, never let them add segments."""
    return quote(str(value), safe="")


# ---------------------------------------------------------------------------- read paths (under /v1)

CLEANROOMS = "/cleanrooms"


def cleanroom_questions(cleanroom_id: str) -> str:
    return f"/cleanrooms/{seg(cleanroom_id)}/cleanroom-questions"


def question_runs(cleanroom_question_id: str) -> str:
    return f"/cleanroom-questions/{seg(cleanroom_question_id)}/cleanroom-question-runs"


def question_run(run_id: str) -> str:
    return f"/cleanroom-question-runs/{seg(run_id)}"


# ---------------------------------------------------------------------------- token cache

def token_cache_name(profile_name: str, base_url: str, client_id: str) -> str:
    """The token cache's file name (under ``state_dir()/tokens``): one per profile, base URL and client."""
    digest = hashlib.sha256(f"{base_url}{client_id}".encode()).hexdigest()[:12]
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", profile_name) or "profile"
    return f"{safe}-{digest}.json"


# ---------------------------------------------------------------------------- field spellings

#: per cache kind: the canonical field names (the models' ``by_alias`` dump) and the other spellings the
#: models accept (``validation_alias`` choices other than a case variant). An answer that uses only the
#: canonical ones can be stored and printed as it is; any other spelling needs the models to translate.
#: ``tests/e2e/test_headless.py`` checks these against :mod:`.models`.
FIELDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "runs": (frozenset({"completedAt", "executedAt", "failureReason", "id", "isRetryable", "name", "parameters",
                        "partitionParameters", "questionVersion", "runMessage", "runMetadata", "status",
                        "submittedAt"}), frozenset()),
    "cleanrooms": (frozenset({"cleanRoomParameters", "cleanRoomTypeId", "description", "displayId", "endAt", "id",
                              "name", "ownerOrganization", "partners", "questionsCount", "startAt", "status",
                              "timeAudit"}), frozenset()),
    "questions": (frozenset({"category", "cleanroomId", "createdOn", "customerQueryTemplate", "dataTypes",
                             "dimension", "displayId", "id", "metrics", "name", "ownerOrganizationId", "parameters",
                             "questionId", "questionType", "status"}), frozenset({"title"})),
}
FIELDS["run"] = FIELDS["runs"]


__all__ = ["CLEANROOMS", "EMBEDDED_ORIGIN", "EXPIRES_KEY", "FIELDS", "LIST_PAGE", "MAX_RUNS_PAGE",
           "REFRESH_MARGIN_S", "TOKEN_KEY", "api_root", "cleanroom_questions", "question_run", "question_runs",
           "seg", "token_cache_name"]
