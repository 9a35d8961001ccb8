"""Quote marks: the quote spans of a text, however the marks were typed."""

from __future__ import annotations

OPEN_QUOTES = "“«„"
CLOSE_QUOTES = "”»"


def find_quotes(text: str) -> list[tuple[int, int]]:
    """Quote spans ``(start, end)`` including the marks; never raises.

    Curly quotes pair open/close; straight ``"`` and ``''`` toggle within a paragraph. A
    quote left open at the end of a paragraph runs to that paragraph's end (the convention
    for quotes continued over several paragraphs). A closing mark typed as an opener (at
    the start of a word after space: ``”Fear. I am ...”``) opens; a nested curly quote
    counts only when enough closing marks follow it; other stray marks are ignored.
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    for para in text.split("\n"):
        opened: int | None = None
        depth = 0  # nested curly quotes inside the open one
        i, n = 0, len(para)
        while i < n:
            ch = para[i]
            two = para[i : i + 2]
            width = 2 if two in ("''", "``") else 1
            if width == 2 or ch == '"':
                if opened is not None:
                    spans.append((pos + opened, pos + i + width))
                    opened = None
                elif two != "''" or _starts_word(para, i + 2):  # '' before a space is an apostrophe pair
                    opened = i
            elif ch in OPEN_QUOTES:
                if opened is None:
                    opened = i
                elif sum(para.count(c, i) for c in CLOSE_QUOTES) > depth + 1:
                    depth += 1
            elif ch in CLOSE_QUOTES:
                if opened is not None and depth:
                    depth -= 1
                elif opened is not None:
                    spans.append((pos + opened, pos + i + 1))
                    opened = None
                elif (i == 0 or para[i - 1].isspace()) and i + 1 < n and para[i + 1].isalnum():
                    opened = i
            i += width
        if opened is not None and n - opened > 1:
            spans.append((pos + opened, pos + len(para.rstrip())))
        pos += n + 1
    return spans


def _starts_word(s: str, i: int) -> bool:
    return i < len(s) and not s[i].isspace()
