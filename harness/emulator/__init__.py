"""The built-in provider emulator."""

from __future__ import annotations

from .app import FAULT_HEADER, EmulatorSettings, create_app, fault_applies, unknown_faults
from .faults import FAULTS, Fault
from .server import RunningEmulator, serve_forever

__all__ = [
    "FAULTS",
    "FAULT_HEADER",
    "EmulatorSettings",
    "Fault",
    "RunningEmulator",
    "create_app",
    "fault_applies",
    "serve_forever",
    "unknown_faults",
]
