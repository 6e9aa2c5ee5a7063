"""What the Leiden templates need from Unicode: the letters that have a precomposed form with a dot below.

An unclear letter gets U+0323 COMBINING DOT BELOW; where Unicode has the pair as one
character (ạ, ḥ, ṣ …) the stylesheet writes that character instead, so the page is in
Normalization Form C as HTML wants, without normalising anything of the source's own
text. The table comes from :mod:`unicodedata`, not from a list of ours.
"""

from __future__ import annotations

import functools
import unicodedata

DOT_BELOW = "\u0323"


@functools.lru_cache(maxsize=1)
def underdot_letters() -> tuple[str, str]:
    """(letters, the same letters with a dot below, precomposed): the two strings of an XPath translate()."""
    plain, dotted = [], []
    for code in range(0x20, 0x2000):
        letter = chr(code)
        if letter.isalpha():
            composed = unicodedata.normalize("NFC", letter + DOT_BELOW)
            if len(composed) == 1:
                plain.append(letter)
                dotted.append(composed)
    return "".join(plain), "".join(dotted)


def leiden_parameters() -> dict[str, str]:
    """The stylesheet parameters of the dot-below table."""
    plain, dotted = underdot_letters()
    return {"underdot-from": plain, "underdot-to": dotted}
