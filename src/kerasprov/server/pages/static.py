"""Static files: our own scripts and styles, and plotly.js from the installed package."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from ...errors import NotFound
from .common import STATIC

router = APIRouter()
_STATIC_NAME = re.compile(r"^[A-Za-z0-9_-]+\.(js|css|svg|png)$")


def plotly_js() -> Path:
    """plotly.js as bundled in the installed ``plotly`` package (no CDN, works offline)."""
    import plotly
    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise NotFound(f"plotly.js is missing from the installed plotly package ({path})")
    return path


@router.get("/static/{name}")
def static(name: str):
    """Only plain file names from our own static folder (no paths, no traversal)."""
    if name == "plotly.min.js":
        return FileResponse(plotly_js(), media_type="text/javascript",
                            headers={"Cache-Control": "public, max-age=86400"})
    # The name pattern comes first: it rejects separators, dots and NUL before any path use.
    if not _STATIC_NAME.match(name):
        raise NotFound(f"no static file {name!r}")
    path = (STATIC / name).resolve()
    if path.parent != STATIC.resolve() or not path.is_file():
        raise NotFound(f"no static file {name!r}")
    return FileResponse(path, headers={"Cache-Control": "no-cache"})
