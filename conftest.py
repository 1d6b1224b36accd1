"""Root conftest: lets `pytest` from a source checkout load the plugin even before installation.

When the package is installed, the plugin is registered through the pytest11
entry point and this file adds nothing.
"""

from __future__ import annotations
