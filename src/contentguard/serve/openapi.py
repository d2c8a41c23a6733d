"""Write the OpenAPI document of ``contentguard serve`` (with the shipped limits and rules).

    python -m contentguard.serve.openapi docs/openapi.json

The committed ``docs/openapi.json`` is this output; a test compares it with the served document.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from .app import create_app


def openapi_text() -> str:
    """The document of a server with every route: the review routes are in it when the review trail is
    part of this installation (a throw-away SQLite trail stands in for the database)."""
    from ..guard import load

    guard = load()
    try:
        from ..review import ReviewTrail
    except ImportError:
        return _dump(create_app(guard, token=""))
    with tempfile.TemporaryDirectory() as folder:
        trail = ReviewTrail(Path(folder) / "openapi.db", guard=guard)
        try:
            return _dump(create_app(guard, trail, token=""))
        finally:
            trail.close()


def _dump(app) -> str:
    return json.dumps(app.openapi(), ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    text = openapi_text()
    if args:
        Path(args[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
