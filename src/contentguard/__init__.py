"""contentguard: compliance checks for Chinese corporate social-media content.

    import contentguard
    guard = contentguard.load()
    report = guard.check("本品是全网最低价，加微*信领取")
"""

from .config import Config
from .document import Document
from .errors import ConfigError, ContentGuardError, ModelError, PackError
from .gate import PublishBlocked, gate
from .guard import Guard, load
from .report import (
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
