"""What the report notebooks display: readable, escaped tables and the one-article view.

:func:`safe_table` shows the top rows of a table (no index column, text left-aligned and
wrapped, numbers right-aligned) and, given a ``name``, writes the full table as CSV beside
the report's figures with a link; :func:`article_view` shows an article's own text with its
entity mentions and attributions highlighted. Everything is escaped at the source; the
rendered page is sanitised again by :func:`newscope.reports.clean_html`. See docs/DESIGN.md.
"""

from __future__ import annotations

import html
import logging
import re
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
from IPython.display import HTML

from newscope.figures import OKABE_ITO, TABLES_SUBDIR, default_figures_href, save_table
from newscope.tables import count_rows

log = logging.getLogger(__name__)

#: Highlight colours of the article view (Okabe-Ito, translucent so the text stays legible), by role.
ROLE_COLOURS = {"entity": f"{OKABE_ITO[1]}40", "source": f"{OKABE_ITO[0]}80", "cue": f"{OKABE_ITO[5]}80",
                "content": f"{OKABE_ITO[2]}33"}


def _number(x: float) -> str:
    """Whole numbers with thousands separators, others to 0.1 from 100 up, else 3 digits."""
    if float(x).is_integer():
        return f"{x:,.0f}"
    return f"{x:,.1f}" if abs(x) >= 100 else f"{x:.3g}"


def _visible_index(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` without an index column to show: named index levels become columns (unless a
    column has that name already), unnamed ones (row labels left by filtering) are dropped."""
    names = [n for n in df.index.names if n is not None and n not in df.columns]
    if isinstance(df.index, pd.RangeIndex) and not names:
        return df
    if names and len(set(names)) == len(names):
        out = df.reset_index(level=names if isinstance(df.index, pd.MultiIndex) else None,
                             drop=False)
        if isinstance(out.index, pd.RangeIndex):
            return out
        return out.reset_index(drop=True)
    return df.reset_index(drop=True)


def _is_missing(value: Any) -> bool:
    try:
        return value is None or bool(pd.api.types.is_scalar(value) and pd.isna(value))
    except (TypeError, ValueError):
        return False


def _cell(value: Any) -> str:
    if _is_missing(value):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (float, np.floating)):
        return _number(float(value))
    if isinstance(value, pd.Timestamp) and value == value.normalize():
        return value.strftime("%Y-%m-%d")  # a date, not midnight of it
    return str(value)


#: Text columns whose longest shown cell is longer than this get a readable width (class ``long``).
_LONG_TEXT = 40
_TEXT_STYLE = "text-align: left"  # inline as well, for JupyterLab, whose CSS right-aligns all cells


def _column_class(column: pd.Series, cells: list[str]) -> str:
    """``num`` (right-aligned), ``text`` (left-aligned, wrapped; ``text long`` for quotes,
    titles, alias lists) or ``other`` (dates, flags, categories: left-aligned)."""
    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "other"
    if pd.api.types.is_numeric_dtype(dtype):
        return "num"
    if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
        return "text long" if max(map(len, cells), default=0) > _LONG_TEXT else "text"
    return "other"


def _header(name: Any) -> str:
    if isinstance(name, tuple):
        return " ".join(str(n) for n in name if not _is_missing(n) and str(n))
    return str(name)


def _table_html(df: pd.DataFrame) -> str:
    """An HTML table of ``df`` (no index): every header and cell escaped, numbers rounded
    for reading and right-aligned, text left-aligned; each cell's class is its column's."""
    columns = [[_cell(v) for v in df.iloc[:, i]] for i in range(df.shape[1])]
    classes = [_column_class(df.iloc[:, i], cells) for i, cells in enumerate(columns)]

    def attrs(cls: str) -> str:
        style = f' style="{_TEXT_STYLE}"' if cls != "num" else ""
        return f' class="{cls}"{style}'

    head = "".join(f"<th{attrs(c)}>{html.escape(_header(name))}</th>" for name, c in zip(df.columns, classes))
    rows = "\n".join(
        "<tr>" + "".join(f"<td{attrs(c)}>{html.escape(col[r])}</td>" for col, c in zip(columns, classes)) + "</tr>"
        for r in range(len(df))
    )
    return (f'<table class="newscope-table">\n<thead>\n<tr>{head}</tr>\n</thead>\n'
            f"<tbody>\n{rows}\n</tbody>\n</table>")


def safe_table(df: pd.DataFrame | duckdb.DuckDBPyRelation, max_rows: int = 20, *, name: str | None = None,
               out_dir: Path | None = None, csv_rows: int | None = None) -> HTML:
    """A readable HTML table of the first ``max_rows`` rows of ``df``.

    Every cell and header is escaped; numbers are rounded for reading and right-aligned,
    text is left-aligned and wrapped; no index column is shown (a named index becomes a
    column, an unnamed one is dropped). With ``name`` (a slug such as ``"quotes"``) all rows
    are written at full precision to ``<figures folder>/tables/<name>.csv``
    (:func:`newscope.figures.save_table`; ``out_dir`` defaults to the report's figure folder)
    and linked under the table through ``$NEWSCOPE_FIGURES_HREF``, which ``run_report`` sets
    relative to the HTML page. ``csv_rows`` caps the CSV at its first rows (a table of
    millions of rows is better queried than opened as a CSV); the note says so.
    """
    max_rows = max(0, int(max_rows))
    if isinstance(df, duckdb.DuckDBPyRelation):  # a table too large to load: count, show the head, stream the CSV
        table, n, head = df, count_rows(df), df.limit(max_rows).df()
    elif isinstance(df, pd.DataFrame):
        table = _visible_index(df)
        n, head = len(table), table.head(max_rows)
    else:
        raise TypeError(f"safe_table(df=...) must be a pandas DataFrame, got {type(df).__name__}")
    link = ""
    capped = name is not None and csv_rows is not None and n > csv_rows
    if name is not None:
        path = save_table((table.head(csv_rows) if isinstance(table, pd.DataFrame) else table.limit(csv_rows))
                          if capped else table, name, out_dir)
        base = default_figures_href(out_dir)
        href = f"{TABLES_SUBDIR}/{path.name}" if base in ("", ".") else f"{base}/{TABLES_SUBDIR}/{path.name}"
        link = f'<a href="{html.escape(href)}" download>{html.escape(path.name)}</a>'
    if capped:
        note = f"First {max_rows:,} of {n:,} rows; the first {csv_rows:,} as CSV: {link}"
    elif n > max_rows:
        note = f"First {max_rows:,} of {n:,} rows" + (f"; all rows: {link}" if link else ".")
    elif link:
        note = f"All rows as CSV: {link}"
    else:
        note = ""
    note = f'<p class="newscope-table-note">{note}</p>' if note else ""
    return HTML(f'<div class="newscope-table-wrap">{_table_html(head)}{note}</div>')


def _int_or_none(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")
#: Which role colours a stretch of text covered by several spans (entities underline too).
_ROLE_PRIORITY = ("cue", "source", "content", "entity")
_TAG_COLOURS = {"entity": OKABE_ITO[1], "source": OKABE_ITO[0], "cue": OKABE_ITO[5], "content": OKABE_ITO[2]}
_TAG_STYLE = ("font-size: 0.7em; font-weight: bold; line-height: 1; padding: 0.1em 0.3em; margin: 0 0.15em; "
              "border-radius: 0.25em; vertical-align: middle; color: #000; white-space: nowrap; "
              "background: {colour}")


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` offsets of the paragraphs of ``text`` (split at blank lines)."""
    spans, lo = [], 0
    for m in _PARAGRAPH_BREAK.finditer(text):
        spans.append((lo, m.start()))
        lo = m.end()
    spans.append((lo, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _highlight_style(roles: set[str]) -> str:
    role = next(r for r in _ROLE_PRIORITY if r in roles)
    style = f"background: {ROLE_COLOURS[role]}; padding: 0.1em 0; border-radius: 0.15em; color: inherit"
    if "entity" in roles:
        style += f"; border-bottom: 2px solid {_TAG_COLOURS['entity']}"
    return style


def _tag(role: str, label: str) -> str:
    return (f'<span class="newscope-tag newscope-tag-{role}" style="{_TAG_STYLE.format(colour=_TAG_COLOURS[role])}">'
            f"{html.escape(label)}</span>")


_WORD_REST = re.compile(r"[\w'’-]*")


def _tag_anchor(text: str, end: int, paragraphs: list[tuple[int, int]]) -> int:
    """Where the label tag of a span ending at ``end`` goes: the end of the word (so a tag
    never splits "Lebanon's"), or the end of the paragraph when ``end`` falls in a break."""
    for lo, hi in paragraphs:
        if lo < end <= hi:
            if not _WORD_REST.fullmatch(text[end - 1]):  # the span ends at a word boundary
                return end
            return min(_WORD_REST.match(text, end).end(), hi)
    earlier = [hi for lo, hi in paragraphs if hi < end]
    return earlier[-1] if earlier else end


def _render_article(text: str, spans: list[tuple[int, int, str, str]]) -> str:
    """Paragraphs of ``text`` with ``spans`` (``start, end, role, label``) highlighted.

    The text is cut at every span boundary; each piece is one ``<mark>`` with the classes
    of all spans covering it (so nested and overlapping spans both show), and each span's
    label tag follows the word its span ends in.
    """
    paragraphs = _paragraphs(text)
    anchors = [_tag_anchor(text, e, paragraphs) for _, e, _, _ in spans]
    cuts = sorted({0, len(text), *(p for s in spans for p in s[:2]), *anchors,
                   *(p for pa in paragraphs for p in pa)})
    pieces = [(a, b) for a, b in zip(cuts, cuts[1:])
              if a < b and any(lo <= a and b <= hi for lo, hi in paragraphs)]
    covering = [[i for i, (s, e, _, _) in enumerate(spans) if s <= a and b <= e] for a, b in pieces]
    shown = {i for ids in covering for i in ids}  # spans over blank lines only are not shown
    tags_at: dict[int, list[int]] = {}
    for i, anchor in enumerate(anchors):
        if i in shown:
            tags_at.setdefault(anchor, []).append(i)

    out, k = [], 0
    for lo, hi in paragraphs:
        parts = []
        while k < len(pieces) and pieces[k][1] <= hi:
            a, b = pieces[k]
            piece = html.escape(text[a:b], quote=False).replace("\n", "<br>\n")
            ids = covering[k]
            if ids:
                roles = {spans[i][2] for i in ids}
                classes = " ".join(["newscope-hl", *(f"newscope-{r}" for r in _ROLE_PRIORITY if r in roles)])
                title = ", ".join(spans[i][3] for i in ids)
                parts.append(f'<mark class="{classes}" title="{html.escape(title)}" '
                             f'style="{_highlight_style(roles)}">{piece}</mark>')
            else:
                parts.append(piece)
            parts += [_tag(spans[i][2], spans[i][3]) for i in tags_at.pop(b, [])]
            k += 1
        out.append(f'<p class="newscope-paragraph">{"".join(parts)}</p>')
    return "\n".join(out)


def article_view(text: str, mentions: pd.DataFrame, attributions: pd.DataFrame) -> HTML:
    """One article with entity mentions and attributions highlighted, in its own words.

    ``mentions``: ``start, end, label, text``; ``attributions``: ``source_start/end,
    cue_start/end, content_start/end, speaker, cue_lemma, kind`` (character offsets into
    ``text``, nullable). The text is shown as written (paragraphs split at blank lines, not
    tokenised); each mention is underlined and tagged with its label, attribution *i*'s
    spans are highlighted and tagged ``SOURCE i``, ``CUE i`` and ``CONTENT i``; spans may
    nest or overlap. A key table below gives each attribution's speaker, cue lemma, kind
    and source text. All text and labels are escaped; the colours are inline styles, so
    the view reads the same in JupyterLab and in the report.
    """
    text = str(text)
    spans: list[tuple[int, int, str, str]] = []

    def add(start: Any, end: Any, role: str, label: str) -> None:
        start, end = _int_or_none(start), _int_or_none(end)
        if start is None or end is None:
            return
        if not 0 <= start < end <= len(text):
            log.warning("article_view: %s span %d-%d is outside the text; not shown", role, start, end)
            return
        spans.append((start, end, role, label))

    for m in mentions.itertuples(index=False):
        add(m.start, m.end, "entity", str(m.label))
    key = []
    for i, a in enumerate(attributions.itertuples(index=False), start=1):
        add(a.source_start, a.source_end, "source", f"SOURCE {i}")
        add(a.cue_start, a.cue_end, "cue", f"CUE {i}")
        add(a.content_start, a.content_end, "content", f"CONTENT {i}")
        src = (_int_or_none(a.source_start), _int_or_none(a.source_end))
        key.append({"attribution": i, "speaker": a.speaker, "cue": a.cue_lemma, "kind": a.kind,
                    "source text": text[src[0]:src[1]] if None not in src else None})

    legend = "".join(
        f'<span class="newscope-hl newscope-{role}" style="{_highlight_style({role})}">{html.escape(role)}</span>'
        for role in ("entity", "source", "cue", "content")
    )
    table = pd.DataFrame(key, columns=["attribution", "speaker", "cue", "kind", "source text"]).to_html(
        escape=True, index=False, border=0, classes="newscope-table", na_rep="")
    return HTML(f'<div class="newscope-legend">{legend}</div>'
                f'<div class="newscope-article">{_render_article(text, spans)}</div>{table}')
