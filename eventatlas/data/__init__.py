"""Stage 1: read events.yaml and places.yaml defensively and validate them against one declaration."""
