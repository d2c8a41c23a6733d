"""POST /v1/monitor: a batch of public items (comments, reviews, mentions) through the public-opinion watch.

Each request runs its own ``contentguard.Monitor`` over the items it brings, in their order, and
answers the events, warnings and errors and the batch's period report. Nothing is kept between
requests: a worker holds no stream state, so any worker answers any request alike. A CMS that
wants windows across batches sends the stream's recent items with each batch.
"""

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..guard import Guard
from .api import ERRORS, content_hash, to_document
from .limits import Limits
from .metrics import Metrics


def monitor_router(guard: Guard, limits: Limits, metrics: Metrics, document_model: type[BaseModel]) -> APIRouter:
    from ..errors import ConfigError
    from ..monitor import Event, Monitor, PeriodReport, StreamError, StreamWarning

    router = APIRouter(tags=["monitor"])
    try:
        Monitor(guard)
        problem = None
    except ConfigError as exc:  # a company's own risk matrix without the public_opinion section
        problem = str(exc)
    LimitedText = Annotated[str, Field(max_length=limits.max_text_chars)]

    class MonitorRequest(BaseModel):
        """Public items in stream order (documents with ``created_at``; strings are comments without a time)."""

        model_config = ConfigDict(extra="forbid")
        items: list[document_model | LimitedText] = Field(  # type: ignore[valid-type]
            min_length=1, max_length=limits.max_monitor_items)

    class MonitorResponse(BaseModel):
        ruleset_hash: str
        ruleset_version: str
        outputs: list[Event | StreamWarning | StreamError]
        period: PeriodReport

    router.monitor_request = MonitorRequest  # type: ignore[attr-defined]

    def watch(items: list[Any]) -> MonitorResponse:
        monitor = Monitor(guard)
        outputs = list(monitor.run(items))
        return MonitorResponse(ruleset_hash=guard.ruleset.hash, ruleset_version=guard.ruleset.version,
                               outputs=outputs, period=monitor.period_report())

    @router.post("/v1/monitor", response_model=MonitorResponse, summary="Watch a batch of public items",
                 responses={**ERRORS, 503: {"description": "The ruleset's risk matrix has no public_opinion section"}},
                 openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
                     "schema": {"$ref": "#/components/schemas/MonitorRequest"}}}}})
    async def monitor(request: Request) -> Response:
        """Check the items and group them into public-opinion events (brand, topic, thread), with the
        batch's period report. Each request is watched on its own."""
        if problem is not None:
            raise HTTPException(503, problem)
        try:
            body = MonitorRequest.model_validate_json(await request.body())
        except ValidationError as exc:
            raise RequestValidationError(exc.errors(include_url=False, include_input=False)) from None
        items = [to_document(item) for item in body.items]
        answer = await run_in_threadpool(watch, items)
        request.state.documents = [{"id": d.id, "sha256": content_hash(d)} for d in items]
        return Response(answer.model_dump_json(), media_type="application/json")

    return router
