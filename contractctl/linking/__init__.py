"""Schema Linking: declared exporters (plan, apply, status) and parity between registries (verify)."""
