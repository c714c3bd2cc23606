"""Canonical JSON, checksums and the diff of two graphs."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(value: Any) -> bytes:
    """UTF-8 JSON with sorted keys and no spaces: one byte string per JSON value."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode()


def checksum(value: Any) -> str:
    """SHA-256 (hex) of the canonical JSON of `value`."""
    return hashlib.sha256(canonical_json(value)).hexdigest()


def _by_id(items: Any) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            found.setdefault(item["id"], canonical_json(item))
    return found


def _compare(old: dict[str, bytes], new: dict[str, bytes]) -> dict[str, list[str]]:
    return {
        "added": [key for key in new if key not in old],
        "removed": [key for key in old if key not in new],
        "changed": [key for key in new if key in old and old[key] != new[key]],
    }


def graph_diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """What changed from `old` to `new`: node and edge ids added, removed and changed
    (any difference in the node or edge, position included), and the input names."""
    old_inputs = old.get("inputs") if isinstance(old.get("inputs"), dict) else {}
    new_inputs = new.get("inputs") if isinstance(new.get("inputs"), dict) else {}
    return {
        "nodes": _compare(_by_id(old.get("nodes")), _by_id(new.get("nodes"))),
        "edges": _compare(_by_id(old.get("edges")), _by_id(new.get("edges"))),
        "inputs": _compare(
            {k: canonical_json(v) for k, v in old_inputs.items()},
            {k: canonical_json(v) for k, v in new_inputs.items()},
        ),
    }
