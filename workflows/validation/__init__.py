"""One validation pipeline for workflow graphs (see `pipeline` and the codes in `problems`)."""

from workflows.validation.capabilities import CapabilityPort
from workflows.validation.pipeline import validate_draft, validate_graph
from workflows.validation.problems import CODES, ERROR, WARNING, Problem, has_errors

__all__ = [
    "CODES",
    "ERROR",
    "WARNING",
    "CapabilityPort",
    "Problem",
    "has_errors",
    "validate_draft",
    "validate_graph",
]
