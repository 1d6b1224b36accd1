"""claude-harness: connectivity and conformance checks for Claude through a provider."""

from __future__ import annotations

from importlib import import_module as _import_module
from typing import TYPE_CHECKING, Any

from harness.constants import VERSION as __version__

if TYPE_CHECKING:  # what type checkers and editors see; at run time the names load on first use
    from harness.config import Target, build_target, build_targets
    from harness.diagnosis import Classification, Evidence, classify
    from harness.errors import ConfigError, HarnessError
    from harness.ladder import CheckResult, TargetRun, run_target
    from harness.observation import Observation
    from harness.probe import Prober
    from harness.redact import Redactor, Secret
    from harness.report import build_report, render_terminal
    from harness.runner import run_and_report, run_targets
    from harness.sse import ServerSentEvent, SSEDecoder

# Exported names and the modules that define them, imported on first use so that `claude-harness --help`
# and `explain` do not pay for the HTTP stack, the emulator or the JSON Schema validator.
_EXPORTS = {
    "CheckResult": "harness.ladder", "Classification": "harness.diagnosis", "ConfigError": "harness.errors",
    "Evidence": "harness.diagnosis", "HarnessError": "harness.errors", "Observation": "harness.observation",
    "Prober": "harness.probe", "Redactor": "harness.redact", "SSEDecoder": "harness.sse", "Secret": "harness.redact",
    "ServerSentEvent": "harness.sse", "Target": "harness.config", "TargetRun": "harness.ladder",
    "build_report": "harness.report", "build_target": "harness.config", "build_targets": "harness.config",
    "classify": "harness.diagnosis", "render_terminal": "harness.report", "run_and_report": "harness.runner",
    "run_target": "harness.ladder", "run_targets": "harness.runner",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'harness' has no attribute {name!r}")
    value = getattr(_import_module(module), name)
    globals()[name] = value
    return value

__all__ = [
    "CheckResult",
    "Classification",
    "ConfigError",
    "Evidence",
    "HarnessError",
    "Observation",
    "Prober",
    "Redactor",
    "SSEDecoder",
    "Secret",
    "ServerSentEvent",
    "Target",
    "TargetRun",
    "__version__",
    "build_report",
    "build_target",
    "build_targets",
    "classify",
    "render_terminal",
    "run_and_report",
    "run_target",
    "run_targets",
]
