"""Refuse before working: bounds pdfminer cannot set itself, installed once per reading process.

- a content stream decompresses to at most MAX_STREAM_BYTES (a flate bomb stops there, in
  milliseconds, instead of inflating to gigabytes);
- one page holds at most MAX_PAGE_OBJECTS characters and shapes (20 MB of `re f` rectangles);
- a chain of references is followed at most MAX_REFERENCE_HOPS deep (a loop of references);
- `startxref` is looked for in the last megabyte only;
- a PDF without a usable cross-reference table is scanned object by object (pdfminer's slow Python
  fallback) only when it is smaller than MAX_FALLBACK_SCAN_BYTES (199 MB of zeros behind a header).

Why bounds inside the reader rather than a pre-check with pikepdf or pypdfium2: a pre-check opens
the file a second time with another parser, and what it finds is not what pdfminer does next (qpdf
and pdfium repair loops and bad tables silently; pdfminer then loops on the same file). Bounding
pdfminer where it does the work is exact and costs nothing on a normal file; pikepdf would be a
new 20 MB dependency for less. What no bound foresees, the per-file budget (scorereader.budget) stops.

pdfminer has no hooks for these, so the functions are wrapped (`install`, idempotent). A
tripped bound raises GuardTripped; budget.typed() turns it into one sentence naming the file.
"""
from __future__ import annotations

import os
import zlib

from .. import limits


XREF_TAIL_BYTES = 1 << 20  # `startxref` is looked for in the last MB only
MAX_REFERENCE_HOPS = 32  # a reference to a reference to … a value; real files use one or two


class GuardTripped(Exception):
    """`str(err)` completes the sentence "<file> …"."""


class _BoundedZlib:
    """Stands in for the `zlib` module inside pdfminer.pdftypes: decompress() stops at the bound."""

    error = zlib.error

    def __getattr__(self, name: str):  # noqa: ANN204 - everything else is the real zlib
        return getattr(zlib, name)

    @staticmethod
    def decompress(data: bytes, *args) -> bytes:  # noqa: ANN002
        d = zlib.decompressobj()
        out = d.decompress(data, limits.MAX_STREAM_BYTES + 1)
        if len(out) > limits.MAX_STREAM_BYTES:
            raise GuardTripped(f"holds a compressed stream that inflates past "
                               f"{limits.MAX_STREAM_BYTES // 2**20} MB (a decompression bomb); the file looks malformed")
        return out

    @staticmethod
    def decompressobj(*args, **kwargs):  # noqa: ANN002, ANN003, ANN205 - pdfminer's corrupted-data path
        return _BoundedDecompressor(zlib.decompressobj(*args, **kwargs))


class _BoundedDecompressor:
    def __init__(self, inner) -> None:  # noqa: ANN001
        self.inner = inner
        self.total = 0

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self.inner, name)

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        out = self.inner.decompress(data, limits.MAX_STREAM_BYTES + 1 - self.total)
        self.total += len(out)
        if self.total > limits.MAX_STREAM_BYTES:
            raise GuardTripped(f"holds a compressed stream that inflates past "
                               f"{limits.MAX_STREAM_BYTES // 2**20} MB (a decompression bomb); the file looks malformed")
        return out


_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    from pdfminer import layout, pdfdocument, pdftypes

    pdftypes.zlib = _BoundedZlib()

    add = layout.LTContainer.add

    def bounded_add(self, obj) -> None:  # noqa: ANN001
        if len(self._objs) >= limits.MAX_PAGE_OBJECTS:
            raise GuardTripped(f"has a page with more than {limits.MAX_PAGE_OBJECTS:,} drawn objects; "
                               "the file looks malformed")
        add(self, obj)

    layout.LTContainer.add = bounded_add

    fallback = pdfdocument.PDFXRefFallback.load

    def bounded_fallback(self, parser) -> None:  # noqa: ANN001
        try:
            size = os.fstat(parser.fp.fileno()).st_size
        except (AttributeError, OSError, ValueError):
            size = 0
        if size > limits.MAX_FALLBACK_SCAN_BYTES:
            raise GuardTripped(f"has no usable cross-reference table and is {size // 2**20} MB; it is not a "
                               "readable PDF (damaged, or padded with junk)")
        fallback(self, parser)

    pdfdocument.PDFXRefFallback.load = bounded_fallback

    find_xref = pdfdocument.PDFDocument.find_xref

    def bounded_find_xref(self, parser):  # noqa: ANN001, ANN202
        """pdfminer reads lines backwards from the end for `startxref`, without bound: through 199 MB
        of zeros that takes minutes. It is always near the end (after at most some junk)."""
        try:
            fp = parser.fp
            here = fp.tell()
            fp.seek(0, os.SEEK_END)
            end = fp.tell()
            fp.seek(max(0, end - XREF_TAIL_BYTES))
            tail = fp.read()
            fp.seek(here)
        except (AttributeError, OSError, ValueError):
            tail = b"startxref"
        if b"startxref" not in tail:
            raise pdfdocument.PDFNoValidXRef("no startxref near the end of the file")
        return find_xref(self, parser)

    pdfdocument.PDFDocument.find_xref = bounded_find_xref

    read_xref_from = pdfdocument.PDFDocument.read_xref_from

    def checked_read_xref_from(self, parser, start, xrefs):  # noqa: ANN001, ANN202
        """The table `startxref` points at must start there (after a little white space): pdfminer's
        tokenizer otherwise walks any amount of padding (NUL is white space in PDF) a byte at a time."""
        try:
            fp = parser.fp
            here = fp.tell()
            fp.seek(start)
            head = fp.read(4096)
            fp.seek(here)
        except (AttributeError, OSError, ValueError, TypeError):
            head = b"x"
        if not head.strip(b"\x00\t\n\x0c\r "):
            raise pdfdocument.PDFNoValidXRef(f"nothing but white space at startxref {start}")
        return read_xref_from(self, parser, start, xrefs)

    pdfdocument.PDFDocument.read_xref_from = checked_read_xref_from

    resolve = pdftypes.PDFObjRef.resolve

    def resolve_chain(self, default=None):  # noqa: ANN001, ANN202
        """Follow a reference to a value, at most MAX_REFERENCE_HOPS references deep: pdfminer's
        resolve1() loops forever on `1 0 obj 2 0 R endobj 2 0 obj 1 0 R endobj`."""
        obj = resolve(self, default)
        hops = 0
        while isinstance(obj, pdftypes.PDFObjRef):
            hops += 1
            if hops > MAX_REFERENCE_HOPS:
                raise GuardTripped("is not a readable PDF: an object refers back to itself "
                                   "(a reference loop); the file looks malformed")
            obj = resolve(obj, default)
        return obj

    pdftypes.PDFObjRef.resolve = resolve_chain
    _installed = True
