"""How Vertex AI offers features (pure): what `features` suspects when a documented one fails here."""

from __future__ import annotations

# The likeliest place a feature is lost on this platform, when the answer itself does not say ({region}: the
# target's region or "no region", {display_name}: the provider's)
SUSPECT = "the model or region ({region}): {display_name} offers some features per model and region"
