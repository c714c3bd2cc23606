"""JSON Schemas (draft 2020-12) of each node type's `config`.

These dicts are served verbatim by GET /api/node-types/ and embedded in the graph
schema of GET /api/graph-schema/; the validation pipeline checks graphs with the very
same objects, so the designer's forms and the server never disagree.
"""

from __future__ import annotations

from typing import Any

from workflows.contract.limits import (
    ACTION_PATTERN,
    DURATION_PATTERN,
    ID_PATTERN,
    KEY_PATTERN,
    MAX_EXPRESSION_LENGTH,
    MAX_NAME_LENGTH,
    MAX_TEXT_LENGTH,
    SIGNAL_PATTERN,
    VARIABLE_PATTERN,
)

Schema = dict[str, Any]

FORM_FIELD_TYPES = ("text", "textarea", "number", "integer", "boolean", "date", "email", "choice")
APPROVAL_POLICIES = ("any", "all", "quorum", "sequential")


def _string(max_length: int = MAX_NAME_LENGTH, **extra: Any) -> Schema:
    return {"type": "string", "maxLength": max_length, **extra}


def _names(title: str, max_items: int = 100) -> Schema:
    return {
        "type": "array",
        "title": title,
        "items": {"type": "string", "minLength": 1, "maxLength": 150},
        "uniqueItems": True,
        "maxItems": max_items,
    }


DURATION: Schema = {
    "type": "string",
    "pattern": DURATION_PATTERN,
    "maxLength": 64,
    "description": "ISO 8601 duration, e.g. PT2H or P1D",
}
EXPRESSION: Schema = {
    "type": "string",
    "minLength": 1,
    "maxLength": MAX_EXPRESSION_LENGTH,
    "description": "An expression of the safe expression language",
}
VARIABLE: Schema = {"type": "string", "pattern": VARIABLE_PATTERN}
ACTION_NAME: Schema = {"type": "string", "pattern": ACTION_PATTERN, "maxLength": 100}
PARAMS: Schema = {
    "type": "object",
    "description": "Action parameters; string values may be templates such as {{ input.email }}",
}
RETRY: Schema = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "max_attempts": {"type": "integer", "minimum": 1, "maximum": 100},
        "backoff_seconds": {"type": "number", "minimum": 0, "maximum": 86_400},
        "max_backoff_seconds": {"type": "number", "minimum": 0, "maximum": 604_800},
    },
}

EMPTY: Schema = {"type": "object", "additionalProperties": False, "properties": {}}

END: Schema = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "result": _string(
            MAX_TEXT_LENGTH, description="Stored on the instance when it ends here; may be a template"
        )
    },
}

TASK: Schema = {
    "type": "object",
    "additionalProperties": False,
    "required": ["action"],
    "properties": {
        "action": {**ACTION_NAME, "title": "Action", "description": "A registered action name"},
        "params": PARAMS,
        "output": {**VARIABLE, "title": "Output variable"},
        "retry": RETRY,
        "timeout_seconds": {"type": "number", "exclusiveMinimum": 0, "maximum": 86_400},
        "compensate": {
            "type": "object",
            "title": "Compensation",
            "additionalProperties": False,
            "required": ["action"],
            "properties": {"action": ACTION_NAME, "params": PARAMS, "retry": RETRY},
        },
    },
}

FORM_FIELD: Schema = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "type"],
    "properties": {
        "name": VARIABLE,
        "label": _string(),
        "type": {"enum": list(FORM_FIELD_TYPES)},
        "required": {"type": "boolean"},
        "choices": {
            "type": "array",
            "items": _string(),
            "minItems": 1,
            "maxItems": 100,
            "uniqueItems": True,
        },
        "help": _string(1_000),
    },
    "if": {"properties": {"type": {"const": "choice"}}, "required": ["type"]},
    "then": {"required": ["choices"]},
}

OUTCOME: Schema = {"type": "string", "pattern": ID_PATTERN}

APPROVAL: Schema = {
    "type": "object",
    "additionalProperties": False,
    "required": ["assignees"],
    "properties": {
        "assignees": {
            "type": "object",
            "title": "Assignees",
            "description": "Usernames and group names (templates allowed)",
            "additionalProperties": False,
            "properties": {"users": _names("Users"), "groups": _names("Groups")},
            "anyOf": [
                {"required": ["users"], "properties": {"users": {"minItems": 1}}},
                {"required": ["groups"], "properties": {"groups": {"minItems": 1}}},
            ],
        },
        "policy": {"enum": list(APPROVAL_POLICIES), "default": "any"},
        "quorum": {"type": "integer", "minimum": 1, "maximum": 1_000},
        "form": {"type": "array", "items": FORM_FIELD, "maxItems": 50},
        "outcomes": {
            "type": "array",
            "items": OUTCOME,
            "minItems": 1,
            "maxItems": 20,
            "uniqueItems": True,
            "default": ["approved", "rejected"],
        },
        "allow_self_approval": {"type": "boolean", "default": False},
        "sla": {
            "type": "object",
            "title": "Service level",
            "additionalProperties": False,
            "required": ["due_in"],
            "properties": {
                "due_in": DURATION,
                "warn_at": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "exclusiveMaximum": 1,
                    "description": "Fraction of due_in after which the task is at risk",
                },
                "escalate": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "to_groups": _names("Escalate to groups"),
                        "notify": {"type": "boolean"},
                        "auto_outcome": OUTCOME,
                    },
                },
            },
        },
    },
    "if": {"properties": {"policy": {"const": "quorum"}}, "required": ["policy"]},
    "then": {"required": ["quorum"]},
}

TIMER: Schema = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "duration": DURATION,
        "until": {**EXPRESSION, "description": "An expression giving a datetime"},
    },
    "oneOf": [{"required": ["duration"]}, {"required": ["until"]}],
}

SIGNAL: Schema = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "pattern": SIGNAL_PATTERN, "title": "Signal name"},
        "timeout": DURATION,
    },
}

SUBWORKFLOW: Schema = {
    "type": "object",
    "additionalProperties": False,
    "required": ["definition"],
    "properties": {
        "definition": {"type": "string", "pattern": KEY_PATTERN, "title": "Definition key"},
        "version": {"type": "integer", "minimum": 1, "description": "Default: the latest published version"},
        "input": {
            "type": "object",
            "propertyNames": {"pattern": VARIABLE_PATTERN},
            "maxProperties": 100,
            "description": "Input of the child; values may be templates",
        },
        "output": VARIABLE,
    },
}

SET: Schema = {
    "type": "object",
    "additionalProperties": False,
    "required": ["assign"],
    "properties": {
        "assign": {
            "type": "object",
            "propertyNames": {"pattern": VARIABLE_PATTERN},
            "additionalProperties": EXPRESSION,
            "minProperties": 1,
            "maxProperties": 100,
        }
    },
}
