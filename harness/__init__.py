"""claude-harness: connectivity and conformance checks for Claude through a provider."""

from __future__ import annotations

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

__version__ = "0.1.0"

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
