"""The JSON API: /v1/check, /v1/rules, /healthz, /metrics. Thin: parse, call the Guard, dump.

The request models are built per app from its :class:`Limits`, so the batch and text limits are
checked by pydantic (a 422 naming the field) and stated in the OpenAPI document.
"""

import hashlib
import json
import os
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, model_validator

from ..document import Document, Kind, Voice
from ..guard import Guard
from ..report import Report, RulesetInfo
from .limits import Limits
from .metrics import CONTENT_TYPE, Metrics


class CheckResponse(BaseModel):
    """One document's report (the same JSON as ``contentguard.Report``) and the ruleset that made it.

    ``report.decision`` is the suggestion (pass / review / block); ``report.findings`` hold the
    labels (``rule_id``, ``category``), ``confidence`` and the hit positions (``field``, ``start``,
    ``end``, indexes into the text as sent).
    """

    ruleset_hash: str
    ruleset_version: str
    report: Report


class BatchCheckResponse(BaseModel):
    """The reports of a batch, in the order of ``documents``."""

    ruleset_hash: str
    ruleset_version: str
    reports: list[Report]


class RuleSummary(BaseModel):
    id: str
    pack: str
    enabled: bool
    kind: str
    category: str
    severity: int
    message: str
    suggestion: str = ""
    clause: str = ""
    scope: list[str]
    description: str = ""


class RuleList(BaseModel):
    ruleset: RulesetInfo
    rules: list[RuleSummary]


class RuleDetail(BaseModel):
    """A rule as its pack defines it (terms, patterns, exemptions and examples included)."""

    pack: str
    rule: dict[str, Any]


class Health(BaseModel):
    status: str
    ruleset: RulesetInfo
    worker: int


class ErrorDetail(BaseModel):
    code: str
    message: str
    field: str | None = None
    fields: list[dict[str, str]] | None = None


class ErrorResponse(BaseModel):
    error: ErrorDetail


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "No or a wrong bearer token"},
    413: {"model": ErrorResponse, "description": "The body is larger than max_body_bytes"},
    422: {"model": ErrorResponse, "description": "The body is not JSON, or a field is missing, of a wrong type "
                                                 "or over a limit; `error.fields` names each one"},
}


def request_models(limits: Limits) -> tuple[type[BaseModel], type[BaseModel]]:
    """The document and check-request models, with this server's limits in their fields."""
    LimitedText = Annotated[str, Field(max_length=limits.max_text_chars)]
    DocumentIn = create_model(
        "DocumentIn",
        __config__=ConfigDict(extra="forbid"),
        __doc__="A post (title and body) or a comment (body), as contentguard.Document.",
        id=(str | None, Field(None, max_length=256)),
        title=(LimitedText | None, None),
        body=(LimitedText, ""),
        kind=(Kind, "post"),
        platform=(str | None, Field(None, max_length=64)),
        voice=(Voice | None, None),
        created_at=(datetime | None, None),
        author=(str | None, Field(None, max_length=256)),
        thread=(str | None, Field(None, max_length=256)),
    )

    class CheckRequest(BaseModel):
        """Exactly one of ``text`` (a post body), ``document``, or ``documents`` (a batch)."""

        model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
            {"text": "本品是全网最低价，加微*信领取"},
            {"document": {"id": "p1", "title": "新品上市", "body": "全网最低价", "kind": "post", "platform": "weibo"}},
            {"documents": ["质量太差了", {"id": "c2", "body": "加微信领取", "kind": "comment"}]},
        ]})

        text: LimitedText | None = None
        document: DocumentIn | None = None  # type: ignore[valid-type]
        documents: list[DocumentIn | LimitedText] | None = Field(  # type: ignore[valid-type]
            None, min_length=1, max_length=limits.max_batch)

        @model_validator(mode="after")
        def _exactly_one(self) -> BaseModel:
            given = [name for name in ("text", "document", "documents") if getattr(self, name) is not None]
            if len(given) != 1:
                raise ValueError("give exactly one of 'text', 'document' or 'documents'"
                                 + (f" (got {', '.join(given)})" if given else ""))
            return self

    return DocumentIn, CheckRequest


def content_hash(document: Document) -> str:
    """SHA-256 of a document's text (title, a newline, body): what the access log holds instead of it."""
    return hashlib.sha256(f"{document.title or ''}\n{document.body}".encode("utf-8", "surrogatepass")).hexdigest()


def to_document(item: Any) -> Document:
    if isinstance(item, str):
        return Document(body=item)
    return Document(**item.model_dump(exclude_unset=True))


def run_check(guard: Guard, metrics: Metrics, request: Request, documents: Sequence[Document]) -> list[Report]:
    """Check the documents, count their decisions and note ids and hashes for the access log."""
    reports = list(guard.check_batch(documents)) if len(documents) > 1 else [guard.check(documents[0])]
    metrics.observe_decisions(report.decision for report in reports)
    request.state.documents = [{"id": d.id, "sha256": content_hash(d), "decision": r.decision}
                               for d, r in zip(documents, reports, strict=True)]
    return reports


def api_router(guard: Guard, limits: Limits, metrics: Metrics) -> APIRouter:
    router = APIRouter()
    document_model, check_request = request_models(limits)
    router.check_request = check_request  # type: ignore[attr-defined]  # its schema goes into the OpenAPI
    router.document_model = document_model  # type: ignore[attr-defined]  # the review routes take it too
    info = guard.ruleset
    head = (f'{{"ruleset_hash":{json.dumps(info.hash)},"ruleset_version":{json.dumps(info.version)},').encode()
    rules = [RuleSummary(id=c.rule.id, pack=c.pack, enabled=c.rule.enabled, kind=c.rule.kind,
                         category=c.rule.category, severity=c.rule.severity, message=c.rule.message,
                         suggestion=c.rule.suggestion, clause=c.rule.clause, scope=list(c.rule.scope),
                         description=c.rule.description) for c in guard.rules]
    rule_list = RuleList(ruleset=info, rules=rules).model_dump_json().encode()
    worker = os.getpid()

    @router.post("/v1/check", response_model=CheckResponse | BatchCheckResponse, responses=ERRORS,
                 tags=["check"], summary="Check one document or a batch",
                 openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
                     "schema": {"$ref": "#/components/schemas/CheckRequest"}}}}})
    async def check(request: Request) -> Response:
        """Check ``text``, one ``document`` or a batch of ``documents`` (strings or documents).

        One document answers ``{"ruleset_hash", "ruleset_version", "report"}``; a batch answers
        ``{"ruleset_hash", "ruleset_version", "reports": [...]}`` in the order sent. The body is read
        as JSON whatever its Content-Type says.
        """
        raw = await request.body()
        try:
            body = check_request.model_validate_json(raw)
        except ValidationError as exc:
            raise RequestValidationError(exc.errors(include_url=False, include_input=False)) from None
        if body.documents is not None:
            documents = [to_document(item) for item in body.documents]
        else:
            documents = [Document(body=body.text) if body.text is not None else to_document(body.document)]
        if len(documents) == 1:
            # One document is a millisecond or two of work: done at once, without a hop to a thread.
            reports = run_check(guard, metrics, request, documents)
        else:
            # A batch may take a while: a thread keeps the event loop answering other clients meanwhile.
            reports = await run_in_threadpool(run_check, guard, metrics, request, documents)
        if body.documents is not None:
            payload = b'"reports":[' + b",".join(r.model_dump_json().encode() for r in reports) + b"]}"
        else:
            payload = b'"report":' + reports[0].model_dump_json().encode() + b"}"
        return Response(head + payload, media_type="application/json")

    @router.get("/v1/rules", response_model=RuleList, responses=ERRORS, tags=["rules"],
                summary="The ruleset and its rules")
    def list_rules() -> Response:
        return Response(rule_list, media_type="application/json")

    @router.get("/v1/rules/{rule_id:path}", response_model=RuleDetail, tags=["rules"], summary="One rule",
                responses={**ERRORS, 404: {"model": ErrorResponse, "description": "No rule has that id"}})
    def get_rule(rule_id: str) -> Response:
        try:
            compiled = guard.rule(rule_id)
        except KeyError:
            raise HTTPException(404, f"unknown rule {rule_id!r}; GET /v1/rules lists them") from None
        detail = RuleDetail(pack=compiled.pack, rule=compiled.rule.model_dump(mode="json"))
        return Response(detail.model_dump_json().encode(), media_type="application/json")

    @router.get("/healthz", response_model=Health, tags=["operations"], summary="Liveness (no token needed)")
    async def healthz() -> Health:
        return Health(status="ok", ruleset=info, worker=worker)

    @router.get("/metrics", tags=["operations"], summary="Prometheus text format",
                response_class=Response, responses={200: {"content": {CONTENT_TYPE: {}}}})
    async def prometheus_metrics() -> Response:
        return Response(metrics.render(), media_type=CONTENT_TYPE)

    return router
