#!/usr/bin/env python3
"""Command-line entry: `python build_timeline.py check|geocode|build|serve` (see --help)."""

from eventatlas.cli import main

if __name__ == "__main__":
    main()
