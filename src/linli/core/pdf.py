"""What every printed A4 PDF shares: the Chinese font.

reportlab's built-in CID font ``STSong-Light`` needs no font file (the reader supplies the
glyphs), so a Python-only machine prints Chinese; it is registered once per process.
"""

from __future__ import annotations

import threading

CJK_FONT = "STSong-Light"
_lock = threading.Lock()


def cjk_font() -> str:
    """The registered name of the Chinese font, registering it on first use."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    with _lock:
        if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    return CJK_FONT
