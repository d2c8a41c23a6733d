"""The review page at ``/``: paste or upload a post, see every finding marked in place.

Server-rendered (Jinja2): the marks are cut from the report's spans here, so the page shows
exactly the characters ``text[start:end]`` of each finding, with or without JavaScript. The
little script in ``static/page.js`` only reads an uploaded file into the text box and links a
mark to its finding.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from ..document import Document
from ..guard import Guard
from ..inputs import NotText, decode_bytes
from ..report import Report
from .limits import Limits
from .middleware import TOKEN_COOKIE

HERE = Path(__file__).parent
KINDS = {"post": "帖子", "reply": "官方回复", "staff_post": "员工发帖", "comment": "评论", "review": "用户评价",
         "mention": "提及", "news": "新闻报道"}
DECISIONS = {"pass": "通过", "review": "人工复核", "block": "拦截"}
LEVELS = {"none": "无", "low": "低", "medium": "中", "high": "高"}
FIELDS = {"title": "标题", "body": "正文"}


@dataclass(frozen=True)
class Segment:
    """A run of text between two span boundaries, and the findings (by number) that cover it."""

    text: str
    start: int
    end: int
    findings: tuple[int, ...]


def segments(text: str, spans: list[tuple[int, int, int]]) -> list[Segment]:
    """Cut ``text`` at every span boundary; ``spans`` holds (finding number, start, end).

    Overlapping findings share the segments they both cover, so every finding's text is the run
    of marks that name it, and the marks never nest.
    """
    cuts = sorted({0, len(text), *(s for _, s, _ in spans), *(e for _, _, e in spans)})
    pieces = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        if start == end:
            continue
        covering = tuple(n for n, s, e in spans if s <= start and end <= e)
        pieces.append(Segment(text[start:end], start, end, covering))
    return pieces


def highlighted_fields(document: Document, report: Report) -> list[dict[str, Any]]:
    fields = []
    for name, value in document.fields():
        spans = [(n, f.start, f.end) for n, f in enumerate(report.findings, 1) if f.field == name and f.end > f.start]
        fields.append({"name": name, "label": FIELDS[name], "segments": segments(value, spans)})
    return fields


def static_files() -> StaticFiles:
    return StaticFiles(directory=HERE / "static")


def page_router(guard: Guard, store: Any, limits: Limits, token: str | None) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    templates = Jinja2Templates(directory=HERE / "templates")
    matrix = guard.matrix
    grid = [[matrix.level(impact, likelihood) for likelihood in range(1, 6)] for impact in range(5, 0, -1)]
    base = {"ruleset": guard.ruleset, "kinds": KINDS, "decisions": DECISIONS, "levels": LEVELS, "grid": grid,
            "max_chars": limits.max_text_chars, "field_labels": FIELDS, "review_enabled": store is not None}

    def render(request: Request, status: int = 200, **context: Any) -> HTMLResponse:
        if store is not None:
            context["queue"] = store.queue()[:limits.review_queue_shown]
        return templates.TemplateResponse(request, "index.html", {**base, **context}, status_code=status)

    @router.get("/", response_class=HTMLResponse)
    def index(request: Request) -> HTMLResponse:
        return render(request, form={"title": "", "body": "", "kind": "post", "platform": ""})

    @router.post("/", response_class=HTMLResponse)
    async def check_page(request: Request) -> HTMLResponse:
        form = await request.form()
        values = {key: str(form.get(key) or "") for key in ("title", "body", "kind", "platform")}
        upload = form.get("file")
        error = None
        if upload is not None and not isinstance(upload, str) and upload.filename:
            data = await upload.read()
            if data:
                try:
                    values["body"], _ = decode_bytes(data)
                except NotText as exc:
                    error = f"无法读取上传的文件 {upload.filename}：{exc}"
        # Browsers send a text box's line breaks as CR LF, and HTML shows CR LF as one break: the
        # page checks and marks the text as the reviewer sees it, with plain line feeds.
        for key in ("title", "body"):
            values[key] = values[key].replace("\r\n", "\n")
        if values["kind"] not in KINDS:
            values["kind"] = "post"
        too_long = [FIELDS[k] for k in ("title", "body") if len(values[k]) > limits.max_text_chars]
        if too_long and error is None:
            error = f"{'、'.join(too_long)}超过 {limits.max_text_chars} 字，无法检查"
        if error is None and not values["body"].strip() and not values["title"].strip():
            error = "请粘贴或上传要检查的内容"
        if error is not None:
            return render(request, status=422, form=values, error=error)
        document = Document(title=values["title"] or None, body=values["body"], kind=values["kind"],
                            platform=values["platform"] or None)
        report = guard.check(document)
        request.state.documents = [{"id": None, "decision": report.decision,
                                    "sha256": _hash(document)}]
        request.app.state.metrics.observe_decisions([report.decision])
        return render(request, form=values, report=report, fields=highlighted_fields(document, report),
                      findings=list(enumerate(report.findings, 1)))

    @router.get("/login", response_class=HTMLResponse)
    def login_form(request: Request) -> HTMLResponse:
        return templates.TemplateResponse(request, "login.html", {"error": None})

    @router.post("/login", response_model=None)
    async def login(request: Request) -> Response:
        form = await request.form()
        given = str(form.get("token") or "")
        if token is not None and not hmac.compare_digest(given.encode(), token.encode()):
            return templates.TemplateResponse(request, "login.html", {"error": "令牌不正确"}, status_code=401)
        response = RedirectResponse("/", status_code=303)
        if token is not None:
            response.set_cookie(TOKEN_COOKIE, given, httponly=True, samesite="strict",
                                secure=request.url.scheme == "https")
        return response

    return router


def _hash(document: Document) -> str:
    from .api import content_hash

    return content_hash(document)
