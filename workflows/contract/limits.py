"""Limits and identifier patterns of the graph format v1 (one place, served in the schema)."""

from __future__ import annotations

GRAPH_FORMAT = "flowdesk.graph/v1"
DEFINITION_FORMAT = "flowdesk.definition/v1"

MAX_GRAPH_BYTES = 2 * 1024 * 1024
"""A graph document, as canonical UTF-8 JSON, may take at most 2 MB (413 payload_too_large)."""
MAX_NODES = 2_000
MAX_EDGES = 10_000
MAX_DEPTH = 32
"""How deeply JSON values may nest inside a graph (a node config is about 6 levels deep)."""
MAX_NAME_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 10_000
MAX_EXPRESSION_LENGTH = 2_000
MAX_TEXT_LENGTH = 10_000
MAX_TAGS = 20

ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
"""Node ids, edge ids and approval outcomes."""
VARIABLE_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]{0,63}$"
"""Variable names (task `output`, `set` targets, input names, form field names)."""
ACTION_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$"
"""Registered action names such as `core.echo` or `http.request`."""
KEY_PATTERN = r"^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?$"
"""Definition keys: lower-case slugs, 1 to 64 characters, no leading or trailing dash."""
TAG_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9 _.-]{0,49}$"
SIGNAL_PATTERN = r"^[A-Za-z0-9_.:-]{1,100}$"
DURATION_PATTERN = r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$"
"""ISO 8601 durations such as `PT2H`, `P1D`, `P2W` (the engine's parser accepts the same)."""
RESERVED_KEYS = frozenset({"import"})
"""Keys that would collide with fixed URLs under /api/definitions/."""
