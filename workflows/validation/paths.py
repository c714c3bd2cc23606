"""JSON paths in problems, written the way the designer shows them: `nodes[3].config.action`."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def join(base: str, part: str | int) -> str:
    if isinstance(part, int):
        return f"{base}[{part}]"
    if _PLAIN.match(part):
        return f"{base}.{part}" if base else part
    return f"{base}[{json.dumps(part, ensure_ascii=False)}]"


def format_path(parts: Iterable[str | int], base: str = "") -> str:
    path = base
    for part in parts:
        path = join(path, part)
    return path


def join_relative(base: str, relative: str) -> str:
    """Append a path such as `params.to` or `[0].x` (from the expressions package)."""
    if not relative:
        return base
    if relative.startswith("["):
        return base + relative
    return f"{base}.{relative}" if base else relative
