"""How Claude Code reaches Bedrock's Mantle endpoint (``CLAUDE_CODE_USE_MANTLE``), from its documented variables.

Facts (``shared/docs/bedrock-vertex-claudecode.md`` §3.1: ``CLAUDE_CODE_USE_MANTLE``, "together with
``_USE_BEDROCK``, Mantle-format IDs go to Mantle and the rest to Invoke"; ``ANTHROPIC_BEDROCK_MANTLE_BASE_URL``;
``CLAUDE_CODE_SKIP_MANTLE_AUTH``; ``ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION`` "Bedrock and Mantle"; §1.3: Mantle ids
are ``anthropic.claude-…`` with no geo prefix and no version suffix). DOCS ``claude-code/amazon-bedrock.md``, "Use
the Mantle endpoint": it "uses the same AWS credentials" as Bedrock (the AWS chain, or a Bedrock API key in
``AWS_BEARER_TOKEN_BEDROCK``); the region is "resolved with the same precedence as Amazon Bedrock" (``AWS_REGION``,
``AWS_DEFAULT_REGION``, then us-east-1). Sent directly, a Bedrock API key goes in ``x-api-key`` (Anthropic's
Mantle page; the SDK's ``AnthropicBedrockMantle`` sends ``Authorization: Bearer``); only behind a gateway that signs
(``CLAUDE_CODE_SKIP_MANTLE_AUTH``) does Claude Code send "without SigV4 signatures or ``x-api-key`` headers".

Not documented and not observed: Claude Code's default models on Mantle (§3.2's defaults table has no Mantle row;
the page says to set the model with ``--model``), its start-up calls, and the headers, betas and body it sends there
(``claude-code-observed.md`` has no Mantle column). So a check needs a pinned model, and sends the harness's own
Messages API probes rather than Claude Code's shape.
"""

from __future__ import annotations

from typing import Any

from ..bedrock.claude_code import aws_region, background_region, sign_from_aws_chain
from . import SIGNING_NAME
from .models import format_problem

SWITCH = "CLAUDE_CODE_USE_MANTLE"
SKIP_AUTH = "CLAUDE_CODE_SKIP_MANTLE_AUTH"
PRECEDENCE = 40  # below Bedrock: with both set, Bedrock is the session's provider and Mantle takes its ids
ALONGSIDE = ("bedrock",)
KEY_ENV = "AWS_BEARER_TOKEN_BEDROCK"


def select(sel: Any) -> str | None:
    raw, used = sel.raw, sel.used
    aws_region(sel)
    if sel.take("base_url", ("ANTHROPIC_BEDROCK_MANTLE_BASE_URL",)):
        raw["gateway"] = True
    key = sel.get(KEY_ENV)
    if key is not None:
        raw.update(auth="x-api-key", api_key_env=KEY_ENV)
        used.append(f"credential ← {KEY_ENV} ({key.source}), a Bedrock API key sent as x-api-key (Claude Code's "
                    "Mantle docs; not observed)")
    else:
        sign_from_aws_chain(sel, SIGNING_NAME)
    background_region(sel)
    return None  # Claude Code's default model on Mantle is not documented: the model must be pinned


def takes(model: str) -> bool:
    """A Mantle-format id (``anthropic.claude-sonnet-4-6``): Claude Code sends it to Mantle when Bedrock is also
    selected."""
    return format_problem(model) is None

