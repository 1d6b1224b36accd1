"""How Claude Code reaches Claude Platform on AWS (``CLAUDE_CODE_USE_ANTHROPIC_AWS``), from its documented variables.

Facts (Claude Code's page "Claude Code on Claude Platform on AWS",
https://code.claude.com/docs/en/claude-platform-on-aws; ``shared/docs/bedrock-vertex-claudecode.md`` §3.1):

- "Setup", "1. Configure AWS credentials": Option A, "Claude Code signs requests with SigV4 using the standard AWS
  credential chain" (environment, ``~/.aws/credentials``, IAM roles, SSO; ``AWS_PROFILE``; ``awsAuthRefresh``
  re-runs a login command). Option B, a workspace API key in ``ANTHROPIC_AWS_API_KEY``: "The key is sent as
  ``x-api-key`` and takes precedence over SigV4, so any AWS credentials in your environment are ignored."
- "2. Configure Claude Code": ``CLAUDE_CODE_USE_ANTHROPIC_AWS=1``, ``ANTHROPIC_AWS_WORKSPACE_ID`` ("required and
  is sent on every request as the ``anthropic-workspace-id`` header"), ``AWS_REGION``; "The base URL is computed
  from ``AWS_REGION`` as ``https://aws-external-anthropic.{region}.api.aws``. To override the URL directly, set
  ``ANTHROPIC_AWS_BASE_URL``." "Bedrock and Foundry take precedence in provider routing."
- "3. Pin model versions": first-party model ids; "The default aliases ``opus``, ``sonnet``, and ``haiku`` resolve
  to the latest versions available in your workspace", and the page pins them with ``ANTHROPIC_DEFAULT_*_MODEL``.
- "Route through a corporate proxy": ``ANTHROPIC_AWS_BASE_URL`` to the proxy, "with the same workspace and
  authentication headers"; ``CLAUDE_CODE_SKIP_ANTHROPIC_AWS_AUTH=1`` sends unsigned requests for a gateway that
  signs, and ``ANTHROPIC_AUTH_TOKEN`` carries that gateway's own token.
- "Troubleshooting": a 403/AccessDenied on every request is the IAM principal's permissions, or a stale
  ``ANTHROPIC_AWS_API_KEY`` (it wins over SigV4); "a missing-workspace error" is ``ANTHROPIC_AWS_WORKSPACE_ID``
  unset or empty.

Not documented and not observed: which ids those aliases resolve to (so Claude Code's default model here is unknown:
an unpinned model is refused, as on Mantle), a fallback region when ``AWS_REGION`` is unset (the harness reads
``AWS_REGION`` then ``AWS_DEFAULT_REGION``, as the AWS user guide's "Prerequisites" says the SDKs do, and otherwise
stops with the same error as ``--provider claude-platform-aws``), the routing order against Vertex and Mantle, and
the headers, betas and body Claude Code sends here (``claude-code-observed.md`` has no column for it).
"""

from __future__ import annotations

from typing import Any

from ..bedrock.claude_code import sign_from_aws_chain
from . import SIGNING_NAME, WORKSPACE_ENV

SWITCH = "CLAUDE_CODE_USE_ANTHROPIC_AWS"
SKIP_AUTH = "CLAUDE_CODE_SKIP_ANTHROPIC_AWS_AUTH"
PRECEDENCE = 50  # the page: Bedrock and Foundry take precedence (against Vertex and Mantle it is not documented)
KEY_ENV = "ANTHROPIC_AWS_API_KEY"
BASE_URL_ENV = "ANTHROPIC_AWS_BASE_URL"
REGION_ENVS = ("AWS_REGION", "AWS_DEFAULT_REGION")


def select(sel: Any) -> str | None:
    raw, used = sel.raw, sel.used
    sel.take("region", REGION_ENVS)  # no documented fallback: unset, the target stops as --provider does
    # A missing workspace id is left to the target's settings: the same error as --provider claude-platform-aws
    sel.take("workspace_id", (WORKSPACE_ENV,))
    if sel.take("base_url", (BASE_URL_ENV,)):
        raw["gateway"] = True  # a proxy or gateway forwarding the same workspace and authentication headers
    key = sel.get(KEY_ENV)
    if key is not None:
        raw.update(auth="x-api-key", api_key_env=KEY_ENV)
        used.append(f"credential ← {KEY_ENV} ({key.source}), a workspace API key sent as x-api-key; it takes "
                    "precedence over SigV4, so AWS credentials are ignored (Claude Code's docs; not observed)")
    else:
        sign_from_aws_chain(sel, SIGNING_NAME)
    token = sel.get("ANTHROPIC_AUTH_TOKEN")
    if token is not None:
        sel.notes.append(f"ANTHROPIC_AUTH_TOKEN is set ({token.source}); Claude Code's page documents it only as the "
                         f"token of a gateway that signs itself ({SKIP_AUTH}), so it is not sent here")
    return None  # the aliases resolve to "the latest versions available in your workspace": no id is documented
