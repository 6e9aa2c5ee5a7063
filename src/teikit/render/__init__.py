"""Renderers: TEI → reading edition (HTML), reading text, and the lossless source text.

TEI is the interchange: nothing here imports the reader, the tagger or the document
model, so every renderer works on anyone's TEI as well as on teikit's.
"""

from .batch import FORMATS, RenderReport, render_many
from .html import IndexEntry, render_html, render_index
from .lossless import render_lossless
from .text import render_text

__all__ = [
    "FORMATS",
    "IndexEntry",
    "RenderReport",
    "render_html",
    "render_index",
    "render_lossless",
    "render_many",
    "render_text",
]
