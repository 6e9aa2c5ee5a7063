"""teikit: plain text → TEI P5 → validation, reading editions and exports."""

__version__ = "0.1.0"
