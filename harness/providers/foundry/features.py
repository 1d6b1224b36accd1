"""How Microsoft Foundry offers features (pure): what `features` suspects when a documented one fails here."""

from __future__ import annotations

# The likeliest place a feature is lost on this platform, when the answer itself does not say
SUSPECT = ("the deployment type: Foundry 'Hosted on Azure' deployments refuse structured outputs, server tools and "
           "the Files API by design")
