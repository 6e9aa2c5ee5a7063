"""Renderers: TEI → reading edition (HTML), reading text, and the lossless source text."""
