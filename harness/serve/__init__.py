"""`claude-harness serve`: a Prometheus exporter on the blackbox exporter's /probe contract.

exposition.py renders results as Prometheus text (pure); service.py runs probes with the cost guard and the
cache; app.py is the HTTP surface; command.py validates the command line and binds.
"""

from __future__ import annotations

DEFAULT_MIN_BILLABLE_INTERVAL_S = 300.0  # a billable probe of a target at most every 5 minutes (288 calls a day)
