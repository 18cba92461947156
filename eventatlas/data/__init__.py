"""Stage 1: read events.yaml and places.yaml defensively; validate them against one declaration."""
