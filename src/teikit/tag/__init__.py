"""Tagging: find names and dates in running text without changing a character."""
