"""The review trail over HTTP: submit, decide, status, queue. Thin routes over ``contentguard.review``.

Present when the app has a store (``create_app(store=ReviewTrail(...))``, ``contentguard serve --db``).
The trail keeps its own transactions; the routes take one lock so that a worker's threads record
one decision at a time (a review is a person's act: a few a second at most).
"""

import threading
from dataclasses import asdict
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from .api import ERRORS, ErrorResponse, content_hash, to_document
from .limits import Limits


class QueueItem(BaseModel):
    id: str
    document_id: str | None = None
    author: str
    state: str
    revision: int
    content_hash: str | None = None
    next_stage: str | None = None
    updated_at: str


class Queue(BaseModel):
    submissions: list[QueueItem]


REVIEW_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    404: {"model": ErrorResponse, "description": "No submission has that id"},
    409: {"model": ErrorResponse, "description": "The approval policy refuses the decision; the message says why"},
}


def review_router(trail: Any, limits: Limits, document_model: type[BaseModel]) -> APIRouter:
    from ..review import ReviewError, Submission

    router = APIRouter(prefix="/v1/review", tags=["review"])
    lock = threading.Lock()

    class SubmitRequest(BaseModel):
        """A document to record for review (it is checked with the server's ruleset)."""

        model_config = ConfigDict(extra="forbid")
        document: document_model  # type: ignore[valid-type]
        author: str = Field(min_length=1, max_length=256)
        submission_id: str | None = Field(None, max_length=256)

    class DecideRequest(BaseModel):
        """A reviewer's decision on one stage of the submission's current revision."""

        model_config = ConfigDict(extra="forbid")
        stage: str = Field(min_length=1, max_length=64)
        reviewer: str = Field(min_length=1, max_length=256)
        decision: Literal["approve", "reject", "request-changes"]
        comment: str = Field("", max_length=limits.max_text_chars)
        role: str | None = Field(None, max_length=64)

    def call(function, *args, missing: bool = False):
        with lock:
            try:
                return function(*args)
            except ReviewError as exc:
                raise HTTPException(404 if missing else 409, str(exc)) from None

    def answer(submission: Submission) -> Response:
        return Response(submission.model_dump_json(), media_type="application/json")

    @router.post("/submissions", response_model=Submission, responses=REVIEW_ERRORS, summary="Submit for review")
    async def submit(body: SubmitRequest, request: Request) -> Response:
        document = to_document(body.document)
        submission = await run_in_threadpool(call, trail.submit, document, body.author, body.submission_id)
        request.state.documents = [{"id": document.id, "sha256": content_hash(document),
                                    "submission": submission.id}]
        return answer(submission)

    @router.post("/submissions/{submission_id}/decisions", response_model=Submission, responses=REVIEW_ERRORS,
                 summary="Approve, reject or send back one stage")
    def decide(submission_id: str, body: DecideRequest) -> Response:
        call(trail.status, submission_id, missing=True)
        return answer(call(trail.decide, submission_id, body.stage, body.reviewer, body.decision, body.comment,
                           body.role))

    @router.get("/submissions/{submission_id}", response_model=Submission, responses=REVIEW_ERRORS,
                summary="Where a submission stands")
    def status(submission_id: str) -> Response:
        return answer(call(trail.status, submission_id, missing=True))

    @router.get("/queue", response_model=Queue, responses=REVIEW_ERRORS, summary="Submissions waiting for a decision")
    def queue(stage: str | None = None) -> Queue:
        items = call(trail.queue, stage)
        return Queue(submissions=[QueueItem(**asdict(item)) for item in items])

    return router
