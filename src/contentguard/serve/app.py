"""The HTTP application: ``create_app(guard=None, store=None)``.

The Guard is compiled once, when the app is made, and only read afterwards; the metrics are the
one mutable thing and belong to the process. Errors of every kind answer one JSON shape,
``{"error": {"code", "message", "field"/"fields"}}``, and never a traceback.
"""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..errors import ConfigError
from ..guard import Guard, load
from .api import api_router
from .limits import Limits, load_limits
from .metrics import Metrics
from .middleware import Gatekeeper

TOKEN_ENV = "CONTENTGUARD_TOKEN"
# How `contentguard serve --workers N` tells each worker process what to load (see app_from_env).
OPTIONS_ENV = "CONTENTGUARD_SERVE_OPTIONS"

_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
          408: "timeout", 409: "conflict", 413: "too_large", 415: "unsupported_media_type", 422: "invalid_request",
          429: "too_many_requests", 503: "unavailable"}


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = list(loc[1:]) if loc and loc[0] == "body" else list(loc)  # FastAPI puts "body" first
    name = ""
    for part in parts:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            # A union's branch name ("DocumentIn", "str", "function-after[...]") is no field.
            if isinstance(part, str) and (part[:1].isupper() or "[" in part or part in ("str", "list", "dict")):
                continue
            name += f".{part}" if name else str(part)
    return name or "body"


def _validation_problems(exc: RequestValidationError) -> list[dict[str, str]]:
    problems: list[dict[str, str]] = []
    seen = set()
    for error in exc.errors():
        if error.get("type") == "json_invalid":
            reason = (error.get("ctx") or {}).get("error") or error.get("msg", "")
            problem = {"field": "body", "problem": f"not valid JSON: {reason}"}
        else:
            message = error.get("msg", "invalid")
            message = message.removeprefix("Value error, ")
            problem = {"field": _field_name(tuple(error.get("loc", ()))), "problem": message}
        key = (problem["field"], problem["problem"])
        if key not in seen:
            seen.add(key)
            problems.append(problem)
    return problems


def _token(token: str | None, token_file: str | Path | None) -> str | None:
    if token_file is not None:
        try:
            value = Path(token_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ValueError(f"{token_file}: cannot read the token file: {exc.strerror or exc}") from None
        if not value:
            raise ValueError(f"{token_file}: the token file is empty")
        return value
    if token is not None:
        return token or None
    return os.environ.get(TOKEN_ENV) or None


def create_app(guard: Guard | None = None, store: Any = None, *, limits: Limits | None = None,
               token: str | None = None, token_file: str | Path | None = None) -> FastAPI:
    """The contentguard HTTP app around ``guard`` (default: ``contentguard.load()``).

    ``token``: the bearer token every route but /healthz requires (default: the environment's
    ``CONTENTGUARD_TOKEN``; none when unset). ``limits``: request limits (default: the shipped
    ``limits.yaml``). ``store``: a review store; its routes appear when one is given.
    """
    guard = guard if guard is not None else load()
    limits = limits if limits is not None else load_limits()
    secret = _token(token, token_file)
    warm_up(guard)
    metrics = Metrics(limits.latency_buckets, guard.ruleset.version, guard.ruleset.hash)

    app = FastAPI(title="contentguard", version=__version__, docs_url=None, redoc_url=None,
                  description="Compliance checks for Chinese corporate social-media content, on premises. "
                              "Every route but /healthz needs `Authorization: Bearer <token>` when the server "
                              "was started with a token.")
    app.state.guard = guard
    app.state.store = store
    app.state.limits = limits
    app.state.metrics = metrics
    router = api_router(guard, limits, metrics)
    app.include_router(router)
    request_models = [router.check_request]
    if importlib.util.find_spec(f"{__package__.rpartition('.')[0]}.monitor") is not None:
        from .monitor import monitor_router

        watch = monitor_router(guard, limits, metrics, router.document_model)
        app.include_router(watch)
        request_models.append(watch.monitor_request)
    _document_openapi(app, request_models)
    if store is not None:
        from .review import review_router

        app.include_router(review_router(store, limits, router.document_model))

    from .page import page_router, static_files

    app.include_router(page_router(guard, store, limits, secret))
    app.mount("/static", static_files(), name="static")

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = _validation_problems(exc)
        message = "; ".join(f"{p['field']}: {p['problem']}" for p in problems[:5])
        if len(problems) > 5:
            message += f"; and {len(problems) - 5} more"
        return JSONResponse({"error": {"code": "invalid_request", "message": message,
                                       "field": problems[0]["field"] if problems else "body",
                                       "fields": problems}}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        body: dict[str, Any] = {"code": _CODES.get(exc.status_code, "error"), "message": str(exc.detail)}
        if exc.status_code == 413:
            body["field"] = "body"
        return JSONResponse({"error": body}, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    app.add_middleware(Gatekeeper, limits=limits, metrics=metrics, token=secret)
    return app


def warm_up(guard: Guard) -> None:
    """Load what the Guard loads lazily (the word segmenter, the sentiment model) before the first request,
    with one document made of each rule's first match example (or, lacking one, its first term)."""
    parts: list[str] = []
    for compiled in guard.rules:
        rule = compiled.rule
        if rule.examples.match:
            example = rule.examples.match[0]
            parts.append(example if isinstance(example, str) else " ".join(map(str, example.values())))
        elif getattr(rule, "terms", ()):
            parts.append(rule.terms[0].term)
    guard.check("\n".join(parts) or "预热")


def _document_openapi(app: FastAPI, request_models: list[type]) -> None:
    """Add the request schemas the routes read themselves (for speed) and the bearer scheme."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            components = schema.setdefault("components", {})
            schemas = components.setdefault("schemas", {})
            for model in request_models:
                request_schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
                schemas.update(request_schema.pop("$defs", {}))
                schemas[model.__name__] = request_schema
            components["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
            schema["security"] = [{"bearer": []}]
            schema["paths"]["/healthz"]["get"]["security"] = []
            schema["components"]["schemas"] = dict(sorted(schemas.items()))
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def open_store(guard: Guard, db: str | None = None) -> Any:
    """The review trail of ``db`` (a SQLite file or a SQLAlchemy URL), else of the configuration's
    ``review.db``; None when neither names one. Policy and signing key come from the configuration."""
    cfg = guard.config
    settings = getattr(cfg, "review", None)
    if db is None and settings is not None and settings.db:
        db = settings.db if "://" in settings.db else str(cfg.path(settings.db))
    if db is None:
        return None
    try:
        from ..review import ReviewTrail
    except ImportError as exc:
        raise ConfigError(f"a review database was given ({db}) but the review trail cannot load: {exc}") from None

    policy = str(cfg.path(settings.policy)) if settings is not None and settings.policy else None
    key = str(cfg.path(settings.key_file)) if settings is not None and settings.key_file else None
    return ReviewTrail(db, guard=guard, policy=policy, key=key)


def app_from_env() -> FastAPI:
    """The app a worker process of ``contentguard serve --workers N`` builds (uvicorn's factory)."""
    options = json.loads(os.environ.get(OPTIONS_ENV, "{}"))
    from ..cli import load_guard

    guard = load_guard(tuple(options.get("packs", ())), options.get("rules_dir"), options.get("config_file"))
    return create_app(guard, open_store(guard, options.get("db")), limits=load_limits(options.get("limits")),
                      token_file=options.get("token_file"))
