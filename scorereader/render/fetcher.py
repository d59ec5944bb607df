"""A WeasyPrint URL fetcher that never touches the network or files outside the template folders.

Allowed: `data:` URIs, and `file:` URLs that resolve (symlinks followed) inside one of the allowed
roots (the packaged templates directory, plus a `--template-dir` override). Everything else —
http, https, ftp, file URLs elsewhere (/etc/passwd, /dev/urandom), odd schemes — is refused with an
exception, which WeasyPrint turns into a logged warning and a missing resource.
"""
from __future__ import annotations

import mimetypes
import os
from pathlib import Path
from typing import Iterable
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

MAX_BYTES = 20 * 1024 * 1024  # a template asset larger than this is refused


class RefusedURL(ValueError):
    pass


class LocalOnlyFetcher(URLFetcher):
    """`url_fetcher=` for weasyprint.HTML: data: URIs and files under `roots`, nothing else."""

    def __init__(self, roots: Iterable[str | os.PathLike[str]]) -> None:
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, timeout=1)
        self.roots = [Path(r).resolve() for r in roots]
        self.refused: list[str] = []
        self.served: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:  # noqa: ANN001 - WeasyPrint's signature
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            parts = urlsplit(url)
            if parts.netloc not in ("", "localhost"):
                return self._refuse(url)
            path = Path(unquote(parts.path)).resolve()
            if any(path == root or root in path.parents for root in self.roots) and path.is_file():
                if path.stat().st_size > MAX_BYTES:
                    return self._refuse(url)
                data = path.read_bytes()
                mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                self.served.append(url)
                return URLFetcherResponse(path.as_uri(), data, {"Content-Type": mime})
        return self._refuse(url)

    def _refuse(self, url: str) -> URLFetcherResponse:
        self.refused.append(url)
        raise RefusedURL(f"scorereader renders offline; refused to fetch {url[:200]}")
