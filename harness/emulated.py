"""Targets that point at the built-in emulator (used by the CLI and the pytest plugin)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import constants
from .cloud_credentials import EMULATOR_ACCESS_KEY, EMULATOR_SECRET_KEY
from .config import Target, build_targets
from .emulator import FAULTS, fault_applies
from .errors import HarnessError
from .providers import PROVIDERS

EMULATOR_KEY_ENV = "CLAUDE_HARNESS_EMULATOR_KEY"
EMULATOR_KEY = "emulator-key-0000"
TOKEN_FAULTS = frozenset({"expired-token", "wrong-audience", "token-endpoint-down"})  # faults of Entra tokens
IN_PROCESS_BASES = {p.name: "http://emulator.invalid" + p.emulator_mount
                    for p in PROVIDERS.values() if p.emulator_mount is not None}
# The credentials the emulator accepts for SigV4 (the AWS docs' example pair).
EMULATOR_AWS_ENV = {"AWS_ACCESS_KEY_ID": EMULATOR_ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": EMULATOR_SECRET_KEY}


def emulated_providers(faults: frozenset[str], flags: Mapping[str, Any]) -> list[str]:
    """The providers an emulated run covers: the one asked for, else every one the faults apply to."""
    asked = flags.get("provider")
    if asked is not None and str(asked).strip().lower() not in PROVIDERS:
        raise HarnessError(f"Unknown provider {asked!r}.", fix=f"Use --provider with one of: {', '.join(PROVIDERS)}.")
    providers = [str(asked).strip().lower()] if asked else list(PROVIDERS)
    auth = flags.get("auth")
    if auth is not None and asked and auth not in PROVIDERS[providers[0]].auth_modes:
        spec = PROVIDERS[providers[0]]
        raise HarnessError(f"Auth mode {auth!r} is not available for {spec.display_name}.",
                           fix=f"Use --auth with one of: {', '.join(spec.auth_modes)}.")
    if auth is not None and not asked:
        providers = [p for p in providers if auth in PROVIDERS[p].auth_modes]
        if not providers:
            raise HarnessError(f"Auth mode {auth!r} is not available for any provider.",
                               fix="Use --auth with one of the modes `claude-harness check --help` lists.")
    if flags.get("auth") == "entra" or faults & TOKEN_FAULTS:
        providers = [p for p in providers if "entra" in PROVIDERS[p].auth_modes]
    providers = [p for p in providers if p in PROVIDERS and all(fault_applies(FAULTS[f], p) for f in faults)]
    if not providers:
        raise HarnessError(
            f"No emulated provider supports the fault(s) {', '.join(sorted(faults)) or '-'} with these settings.",
            fix="Drop --provider or pick another fault.",
        )
    return providers


def emulated_targets(
    bases: Mapping[str, str],
    flags: Mapping[str, Any],
    env: Mapping[str, str],
    *,
    faults: frozenset[str] = frozenset(),
    in_process: bool = False,
) -> list[Target]:
    """Targets for the emulator at ``bases`` (provider -> base URL); any key works there."""
    entra = flags.get("auth") == "entra" or bool(faults & TOKEN_FAULTS)
    raws: list[dict[str, Any]] = []
    for provider in emulated_providers(faults, flags):
        regional = PROVIDERS[provider].regional
        raw: dict[str, Any] = {k: v for k, v in flags.items()
                               if k != "provider" and (regional or k not in ("region", "project"))}
        raw.update(provider=provider, name=f"emulated-{provider}", base_url=bases[provider])
        spec = PROVIDERS[provider]
        for key, value in spec.emulated_settings().items():  # a placement the emulator serves, a deployment
            raw.setdefault(key, value)
        if spec.signing_name:
            raw.setdefault("region", "us-east-1")  # the emulator accepts a signature for any region
        for setting in spec.header_settings:  # e.g. the workspace id Claude Platform on AWS requires
            raw.setdefault(setting.key, setting.emulator_value)
        if raw.get("auth") not in PROVIDERS[provider].auth_modes:
            raw.pop("auth", None)
        if entra:
            raw["auth"] = "entra"
        elif spec.signing_name and raw.get("auth", "sigv4") == "sigv4":
            raw["auth"] = "sigv4"  # signed with the example key pair, as a real AWS client would sign
        elif raw.get("auth") == "adc":
            pass  # google-auth's own chain, pointed at the emulator's metadata server by the caller
        else:
            raw.setdefault("api_key_env", EMULATOR_KEY_ENV)
            if spec.default_auth == "adc":
                raw["auth"] = "bearer"  # a static access token: no google-auth needed
        if faults & {"slow-first-byte", "slow-stream"}:
            raw.setdefault("timeout", 1.0)
        raw.setdefault("timeout", constants.DEFAULT_TIMEOUT_S)
        if in_process:
            raw["allow_insecure_http"] = True
        raws.append(raw)
    return build_targets(raws, {**env, EMULATOR_KEY_ENV: EMULATOR_KEY, **EMULATOR_AWS_ENV})
