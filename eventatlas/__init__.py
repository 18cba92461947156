"""eventatlas: a sourced events.yaml in, a self-contained static timeline-and-map site out.

Stages, in data order, one folder or module each:
data/ (YAML → validated models) → geocode.py (places → coordinates)
→ pipeline.py (the prepared dataset) → site/ (figure data, pages, views, files and assets)
→ plugin.py and cli.py (the edges).
"""

__version__ = "0.1.0"
