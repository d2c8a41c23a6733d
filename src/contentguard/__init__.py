"""contentguard: compliance checks for Chinese corporate social-media content.

    import contentguard
    guard = contentguard.load()
    report = guard.check("本品是全网最低价，加微*信领取")
"""

import os as _os
import signal as _signal
import sys as _sys
import threading as _threading


def _interrupted_while_starting(signum, frame):  # noqa: ARG001
    _os.write(2, b"contentguard: interrupted\n")
    _os._exit(130)


# Ctrl-C while the `contentguard` command is still importing (about half a second) would print a
# KeyboardInterrupt traceback before the command's own handler exists: the console script gets one line
# and exit 130 instead. Only for that script, only in the main thread, and only where Ctrl-C would raise
# anyway; a program importing the library keeps Python's handler. cli.main replaces it.
if _os.path.basename(_sys.argv[0] if _sys.argv else "") == "contentguard" \
        and _threading.current_thread() is _threading.main_thread() \
        and _signal.getsignal(_signal.SIGINT) is _signal.default_int_handler:
    _signal.signal(_signal.SIGINT, _interrupted_while_starting)

from .config import Config  # noqa: E402
from .document import Document  # noqa: E402
from .errors import ConfigError, ContentGuardError, ModelError, PackError  # noqa: E402
from .gate import PublishBlocked, gate  # noqa: E402
from .guard import Guard, load  # noqa: E402
from .report import (  # noqa: E402
    BatchSummary,
    Finding,
    Report,
    ReportError,
    Risk,
    RulesetInfo,
    Sentiment,
    summarize,
)

__all__ = [
    "BatchSummary", "Config", "ConfigError", "ContentGuardError", "Document", "Finding", "Guard", "ModelError",
    "Monitor", "PackError", "PublishBlocked", "Report", "ReportError", "Risk", "RulesetInfo", "Sentiment", "gate",
    "load", "summarize",
]
__version__ = "0.1.0"


def __getattr__(name: str):
    # The monitor (and what it imports) loads only for a program that uses it: a scan does not pay for it.
    if name == "Monitor":
        from .monitor import Monitor

        return Monitor
    raise AttributeError(f"module 'contentguard' has no attribute {name!r}")
