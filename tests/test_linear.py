"""The structures that keep conversion linear in the length of a block give the answers of the plain scans."""

from __future__ import annotations

from bisect import bisect_right

from hypothesis import given
from hypothesis import strategies as st

from teikit.model import Span
from teikit.read import _disjoint, _inside
from teikit.tag.document import _SpanIndex, fits
from teikit.tei import _add_plain, tei

ranges = st.lists(st.tuples(st.integers(0, 60), st.integers(0, 20)).map(lambda r: (r[0], r[0] + r[1])), max_size=30)


@given(ranges, st.integers(-2, 90))
def test_bisected_inside_equals_the_scan(spans, index):
    assert _inside(index, _disjoint(spans)) == any(start <= index < end for start, end in spans)


spans = st.lists(
    st.builds(
        lambda start, length, tag: Span(start, start + length, tag),
        st.integers(0, 80),
        st.integers(0, 12),
        st.sampled_from(["persName", "date", "q", "noteref", "placeName"]),
    ),
    max_size=25,
)


class _PlainIndex:
    """The index as it was: one list sorted by start, insertion after equal starts, every span checked."""

    def __init__(self, initial):
        self.spans = sorted(initial, key=lambda s: s.start)

    def add(self, span):
        starts = [s.start for s in self.spans]
        self.spans.insert(bisect_right(starts, span.start), span)

    def fits(self, candidate):
        return fits(candidate, self.spans)


@given(spans, spans)
def test_span_index_decides_and_orders_as_the_plain_list(initial, candidates):
    fast, plain = _SpanIndex(initial), _PlainIndex(initial)
    for candidate in candidates:
        verdict = plain.fits(candidate)
        assert fast.fits(candidate) == verdict
        if verdict:
            fast.add(candidate)
            plain.add(candidate)
    assert fast.spans == plain.spans


def test_text_after_the_last_child_goes_into_its_tail():
    p = tei("p")
    _add_plain(p, "a")
    child = tei("lb")
    p.append(child)
    _add_plain(p, "b")
    _add_plain(p, "c")
    assert (p.text, child.tail) == ("a", "bc")
