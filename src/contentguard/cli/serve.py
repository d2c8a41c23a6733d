"""``contentguard serve``: the HTTP API and the review page, on premises (needs the ``serve`` extra)."""

from __future__ import annotations

import json
import os
import sys

import click

from . import CliError, load_guard, ruleset_options


def _access_log_config(level: str) -> dict:
    """Logging for uvicorn and the access log: one JSON object a line on stderr, never a document's text."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(message)s"},
                       "server": {"format": '{"event": "server", "level": "%(levelname)s", "message": "%(message)s"}'}},
        "handlers": {"json": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"},
                     "server": {"class": "logging.StreamHandler", "formatter": "server", "stream": "ext://sys.stderr"}},
        "loggers": {
            "contentguard.serve": {"handlers": ["json"], "level": level, "propagate": False},
            "uvicorn": {"handlers": ["server"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"handlers": ["server"], "level": "INFO", "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }


def _server_class():
    import contextlib
    import signal

    import uvicorn

    class Server(uvicorn.Server):
        """uvicorn's server, but a SIGTERM or Ctrl-C that stops it cleanly ends the process with 0
        (uvicorn raises the signal again after its shutdown, which a supervisor reads as a crash)."""

        @contextlib.contextmanager
        def capture_signals(self):
            previous = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
            try:
                yield
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)

    return Server


@click.command("serve")
@ruleset_options
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (the loopback by default; put a TLS proxy in front for a network).")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True)
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Worker processes; each compiles the ruleset once at start and shares nothing mutable.")
@click.option("--token-file", type=click.Path(exists=True, dir_okay=False), default=None, metavar="FILE",
              help="A file holding the bearer token every route but /healthz requires "
                   "(default: the environment's CONTENTGUARD_TOKEN; none when unset).")
@click.option("--limits", "limits_file", type=click.Path(exists=True, dir_okay=False), default=None, metavar="FILE",
              help="Request limits (body size, batch size, text length, timeouts) replacing the shipped ones.")
@click.option("--db", default=None, metavar="URL",
              help="The review trail's database (a SQLite file or a SQLAlchemy URL; default: the configuration's "
                   "review.db): adds the review routes and the page's queue.")
@click.option("--access-log/--no-access-log", default=True, show_default=True,
              help="One JSON line per request on stderr: ids, sizes, decisions and content hashes, never text.")
def command(host: str, port: int, workers: int, token_file: str | None, limits_file: str | None,
            db: str | None, access_log: bool, packs: tuple[str, ...], rules_dir: str | None,
            config_file: str | None) -> None:
    """Serve the HTTP API (POST /v1/check, GET /v1/rules, /healthz, /metrics) and the review page at /.

    Stops cleanly on SIGTERM or Ctrl-C: requests in flight are answered first.
    """
    try:
        import uvicorn

        from ..serve.app import OPTIONS_ENV, app_from_env, create_app, open_store
        from ..serve.limits import load_limits
    except ImportError as exc:
        raise CliError(f"contentguard serve needs the 'serve' extra (pip install 'contentguard[serve]'): {exc}") \
            from None
    from ..errors import ContentGuardError

    try:
        limits = load_limits(limits_file)
    except ContentGuardError as exc:
        raise CliError(str(exc)) from None
    # Compiled here first, so a bad configuration stops the command with one message (exit 2).
    guard = load_guard(packs, rules_dir, config_file)
    options = {"packs": list(packs), "rules_dir": rules_dir, "config_file": config_file, "limits": limits_file,
               "token_file": os.path.abspath(token_file) if token_file else None, "db": db}
    try:
        store = open_store(guard, db)  # opened here first: a bad database stops the command (exit 2)
        if workers > 1 and store is not None:
            store.close()  # each worker opens its own
        app = create_app(guard, store, limits=limits, token_file=token_file) if workers == 1 else None
    except (ValueError, ContentGuardError) as exc:
        raise CliError(str(exc)) from None
    log_config = _access_log_config("INFO" if access_log else "WARNING")
    settings = {"host": host, "port": port, "log_config": log_config, "access_log": False,
                "limit_concurrency": limits.max_concurrency, "timeout_keep_alive": int(limits.keep_alive_seconds),
                "timeout_graceful_shutdown": int(limits.graceful_shutdown_seconds), "server_header": False}
    click.echo(json.dumps({"event": "start", "url": f"http://{host}:{port}", "workers": workers,
                           "ruleset": guard.ruleset.model_dump(mode="json"),
                           "token": bool(token_file or os.environ.get("CONTENTGUARD_TOKEN")),
                           "review": store is not None}), err=True)
    if app is not None:
        _server_class()(uvicorn.Config(app, **settings)).run()
    else:
        # Each worker process builds its own app (and Guard) from these options: nothing mutable is shared.
        os.environ[OPTIONS_ENV] = json.dumps(options)
        uvicorn.run(f"{app_from_env.__module__}:{app_from_env.__name__}", factory=True, workers=workers,
                    **settings)
    sys.exit(0)
