"""Retry arithmetic, pure: how long a provider asks us to wait."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping
from dataclasses import dataclass


def parse_retry_after(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """Seconds to wait from retry-after-ms, else retry-after (seconds or an HTTP date); None when absent or bad."""
    lowered = {k.lower(): v for k, v in headers.items()}
    ms = lowered.get("retry-after-ms")
    if ms is not None:
        try:
            value = float(ms) / 1000.0
        except ValueError:
            value = -1.0
        if value >= 0:
            return value
    raw = lowered.get("retry-after")
    if raw is None:
        return None
    raw = raw.strip()
    try:
        seconds = float(raw)
        return seconds if seconds >= 0 else None
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


# --- the retry policy (pure) -----------------------------------------------------------------------------------
RETRYABLE_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504, 529})
RETRYABLE_PHASES = frozenset({"connect", "timeout", "read", "protocol"})
DEFAULT_RETRIES = 2  # as the official SDKs: three attempts in all
DEFAULT_MAX_WAIT_S = 30.0
BACKOFF_BASE_S = 0.5
BACKOFF_CAP_S = 8.0


@dataclass(frozen=True)
class RetryDecision:
    retry: bool
    wait_s: float
    reason: str


def backoff(attempt: int, jitter: float) -> float:
    """Exponential backoff, up to 25 % shorter by jitter in [0, 1), never longer (as the Anthropic SDK)."""
    return float(min(BACKOFF_BASE_S * 2.0**attempt, BACKOFF_CAP_S) * (1 - 0.25 * jitter))


def decide(
    *,
    attempt: int,
    retries: int,
    status: int | None,
    phase: str | None,
    headers: Mapping[str, str],
    body_text: str | None,
    jitter: float,
    max_wait_s: float = DEFAULT_MAX_WAIT_S,
    now: float | None = None,
) -> RetryDecision:
    """Whether to send attempt ``attempt + 1``, and after how long."""
    if attempt >= retries:
        return RetryDecision(False, 0.0, "no retries left")
    lowered = {k.lower(): v for k, v in headers.items()}
    should = lowered.get("x-should-retry", "").strip().lower()
    if should == "false":
        return RetryDecision(False, 0.0, "the provider sent x-should-retry: false")
    if status is None:
        if phase not in RETRYABLE_PHASES:
            return RetryDecision(False, 0.0, f"a {phase} failure is not retried")
    elif should != "true" and status not in RETRYABLE_STATUSES:
        return RetryDecision(False, 0.0, f"HTTP {status} is not retried")
    text = (body_text or "").lower()
    if status == 429 and ("enforced_spend_limit" in text or "usage limits" in text or "spend limit" in text):
        return RetryDecision(False, 0.0, "a spend limit: retrying cannot succeed until it is raised")
    asked = parse_retry_after(headers, now=now)
    if asked is not None:
        if asked > max_wait_s:
            return RetryDecision(False, 0.0, f"retry-after {asked:g} s exceeds the cap of {max_wait_s:g} s")
        return RetryDecision(True, asked, f"retry-after {asked:g} s")
    wait = backoff(attempt, jitter)
    what = f"HTTP {status}" if status is not None else f"{phase} failure"
    return RetryDecision(True, wait, f"{what}: backoff {wait:.2f} s")
