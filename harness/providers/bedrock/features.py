"""How Amazon Bedrock offers features (pure): betas travel in the body, and features vary per model and region."""

from __future__ import annotations

BETAS_BODY_FIELD = "anthropic_beta"  # Bedrock reads betas from the body, not the anthropic-beta header
# The likeliest place a feature is lost on this platform, when the answer itself does not say ({region}: the
# target's region or "no region", {display_name}: the provider's)
SUSPECT = "the model or region ({region}): {display_name} offers some features per model and region"
