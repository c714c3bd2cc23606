"""The size of the designer's static files a page load fetched, as a server would gzip them."""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.staticfiles import finders
from django.templatetags.static import static


@dataclass(frozen=True)
class BundleSize:
    files: int
    raw_bytes: int
    gzip_bytes: int


def loaded_size(paths: Iterable[str]) -> BundleSize:
    """JS and CSS among `paths` (URL paths under STATIC_URL), gzipped at level 9."""
    prefix = static("")
    raw = packed = files = 0
    for path in sorted(set(paths)):
        if not path.endswith((".js", ".css")):
            continue
        found = finders.find(path.removeprefix(prefix))
        if not found:
            raise RuntimeError(f"the page loaded {path}, which is not a static file here")
        with open(found if isinstance(found, str) else found[0], "rb") as handle:
            content = handle.read()
        files += 1
        raw += len(content)
        packed += len(gzip.compress(content, compresslevel=9, mtime=0))
    if not files:
        raise RuntimeError("the page loaded no designer JS or CSS")
    return BundleSize(files=files, raw_bytes=raw, gzip_bytes=packed)
