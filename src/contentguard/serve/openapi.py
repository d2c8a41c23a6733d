"""Write the OpenAPI document of ``contentguard serve`` (with the shipped limits and rules).

    python -m contentguard.serve.openapi docs/openapi.json

The committed ``docs/openapi.json`` is this output; a test compares it with the served document.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .app import create_app


def openapi_text() -> str:
    app = create_app(token="")
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
