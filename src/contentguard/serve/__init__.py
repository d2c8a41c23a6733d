"""``contentguard serve``: the HTTP API and the review page (FastAPI + uvicorn, the ``serve`` extra).

    from contentguard.serve import create_app
    app = create_app()            # contentguard.load(), the shipped limits, CONTENTGUARD_TOKEN if set

Not imported by ``import contentguard``: FastAPI loads only when this subpackage is used.
"""

from .app import create_app
from .limits import Limits, load_limits

__all__ = ["Limits", "create_app", "load_limits"]
