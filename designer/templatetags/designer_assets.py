"""`{% designer_assets %}`: the script and style tags of the Vite-built designer bundle.

Vite writes hashed file names and a manifest (`static/designer/.vite/manifest.json`);
this tag reads the manifest so templates never name a hash.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from django import template
from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

MANIFEST = "designer/.vite/manifest.json"
ENTRY = "src/main.tsx"


class BundleMissing(Exception):
    """The designer bundle was not built (run `npm ci && npm run build` in designer/frontend)."""


def manifest_path() -> Path | None:
    found = finders.find(MANIFEST)
    if isinstance(found, list):
        found = found[0] if found else None
    if found:
        return Path(found)
    collected = Path(settings.STATIC_ROOT) / MANIFEST
    return collected if collected.exists() else None


@lru_cache(maxsize=4)
def _read_manifest(path: str, mtime: float) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def entry_files(entry: str = ENTRY) -> tuple[str, list[str]]:
    """Return (script, stylesheets) of `entry`, as paths under the static root."""
    path = manifest_path()
    if path is None:
        raise BundleMissing(MANIFEST)
    manifest = _read_manifest(str(path), path.stat().st_mtime)
    chunk = manifest.get(entry)
    if not chunk:
        raise BundleMissing(f"{entry} is not in {MANIFEST}")
    css = list(chunk.get("css", []))
    for imported in chunk.get("imports", []):
        css.extend(manifest.get(imported, {}).get("css", []))
    return f"designer/{chunk['file']}", [f"designer/{c}" for c in css]


@register.simple_tag
def designer_assets(entry: str = ENTRY) -> SafeString:
    """Style and module-script tags for the designer, or a visible note when it is not built."""
    try:
        script, styles = entry_files(entry)
    except BundleMissing:
        return mark_safe(  # a constant string, nothing interpolated
            '<p class="error" role="alert">The designer is not built yet: run '
            "<code>npm ci &amp;&amp; npm run build</code> in <code>designer/frontend</code>.</p>"
        )
    links = format_html_join("", '<link rel="stylesheet" href="{}">', ((static(s),) for s in styles))
    return format_html('{}<script type="module" src="{}"></script>', links, static(script))
