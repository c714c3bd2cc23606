"""Typed readers for settings that come from the environment.

Pure functions over a mapping, so the parsing rules are unit-tested without Django.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})


class SettingError(ValueError):
    """An environment variable holds a value Flowdesk cannot use."""


def env_bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    """Read a boolean; accepts 1/0, true/false, yes/no, on/off (any case)."""
    raw = env.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise SettingError(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingError(f"{name} must be an integer, got {raw!r}") from None


def env_float(env: Mapping[str, str], name: str, default: float) -> float:
    """Read a number (seconds, ratios); blank means the default."""
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise SettingError(f"{name} must be a number, got {raw!r}") from None


def env_list(env: Mapping[str, str], name: str, default: list[str]) -> list[str]:
    """Read a comma-separated list, dropping blanks."""
    raw = env.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def secret_key(env: Mapping[str, str], *, debug: bool) -> str:
    """The SECRET_KEY: required outside DEBUG; a fixed development key only in DEBUG."""
    key = env.get("SECRET_KEY", "").strip()
    if key:
        return key
    if debug:
        return "flowdesk-development-only-key-not-for-production-0123456789abcdef"
    raise SettingError("SECRET_KEY must be set when DEBUG is off (refusing to start with a default secret)")


def derived_key(secret: str, purpose: str) -> str:
    """A key for one purpose derived from `secret` (HMAC-SHA256, hex): using the secret
    itself for several purposes would let one use's outputs help attack another."""
    return hmac.new(secret.encode(), purpose.encode(), hashlib.sha256).hexdigest()


def beat_entry(task: str, every: float, *, expires_after: float = 1, floor: float = 1.0) -> dict[str, object]:
    """A Celery beat entry running `task` every `every` seconds; a run not picked up within
    `expires_after` intervals (at least `floor` seconds) expires instead of piling up."""
    return {"task": task, "schedule": every, "options": {"expires": max(every * expires_after, floor)}}
