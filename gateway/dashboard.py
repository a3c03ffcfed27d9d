"""The Vue dashboard's static files (frontend/dist), served at `/` by the gateway.

A browser navigating to a dashboard route (`/reservations/...`) gets `index.html`
and the app routes itself; any other unknown path gets the usual JSON 404.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import Request, Response
from fastapi.responses import FileResponse

from msgplat.plumbing.errors import error_response

# Built files are named by content hash: they never change, so they are cached for good.
IMMUTABLE = "public, max-age=31536000, immutable"


class Dashboard:
    def __init__(self, directory: str) -> None:
        self.root = Path(directory).resolve()

    def serve(self, request: Request) -> Response:
        path = request.url.path
        file = self._file(path)
        if file is not None:
            cache = IMMUTABLE if path.startswith("/assets/") else "no-cache"
            return FileResponse(file, headers={"Cache-Control": cache})
        index = self.root / "index.html"
        wants_page = "text/html" in request.headers.get("accept", "")
        if wants_page and "." not in path.rsplit("/", 1)[-1] and index.is_file():
            return FileResponse(index, headers={"Cache-Control": "no-cache"})
        if path == "/" and not index.is_file():
            return error_response(
                404,
                f"the dashboard is not built ({self.root} has no index.html): run `make frontend`",
            )
        return error_response(404, f"no route for {path}")

    def _file(self, path: str) -> Path | None:
        relative = path.lstrip("/") or "index.html"
        candidate = (self.root / relative).resolve()
        # Never outside the built folder, whatever the path says.
        if not candidate.is_relative_to(self.root) or not candidate.is_file():
            return None
        return candidate
