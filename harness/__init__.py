"""claude-harness: connectivity and conformance checks for Claude through a provider."""

from __future__ import annotations

from importlib import import_module as _import_module
from typing import TYPE_CHECKING, Any

from .constants import VERSION as __version__

if TYPE_CHECKING:  # what type checkers and editors see; at run time the names load on first use
    from .config import Target, build_target, build_targets
    from .diagnosis import Classification, Evidence, classify
    from .errors import ConfigError, HarnessError
    from .ladder import CheckResult, TargetRun, run_target
    from .observation import Observation
    from .probe import Prober
    from .redact import Redactor, Secret
    from .report import build_report, render_terminal
    from .runner import run_and_report, run_targets
    from .sse import ServerSentEvent, SSEDecoder

# Exported names and the modules that define them, imported on first use so that `claude-harness --help`
# and `explain` do not pay for the HTTP stack, the emulator or the JSON Schema validator.
_EXPORTS = {
    "CheckResult": ".ladder", "Classification": ".diagnosis", "ConfigError": ".errors",
    "Evidence": ".diagnosis", "HarnessError": ".errors", "Observation": ".observation",
    "Prober": ".probe", "Redactor": ".redact", "SSEDecoder": ".sse", "Secret": ".redact",
    "ServerSentEvent": ".sse", "Target": ".config", "TargetRun": ".ladder",
    "build_report": ".report", "build_target": ".config", "build_targets": ".config",
    "classify": ".diagnosis", "render_terminal": ".report", "run_and_report": ".runner",
    "run_target": ".ladder", "run_targets": ".runner",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_import_module(module, __name__), name)
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
