"""eventatlas: a sourced events.yaml in, a self-contained static timeline-and-map site out.

Stages, one module each, in data order:
load (YAML → validated models) → geocode (places → coordinates) → figures (Plotly data)
→ pages (Markdown/HTML for MkDocs) → assets (scripts, styles, geography) → plugin/cli (edges).
"""

__version__ = "0.1.0"
