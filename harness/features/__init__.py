"""Feature checks: `check --features LIST` (one check feature.<name> per feature)."""
