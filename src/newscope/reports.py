"""HTML reports: run a notebook with parameters, render it offline-viewable and safe.

``run_report`` takes a jupytext notebook (``notebooks/<name>.py``), executes it with
papermill in the current Python environment and renders it with nbconvert through the
``newscope_report`` template (JupyterLab look, no CDN scripts or fonts, a table of
contents, a provenance footer). Everything a notebook displays as HTML or Markdown passes
through :func:`clean_html` (an allow-list sanitiser); :func:`safe_table` and
:func:`article_view` escape article text at the source as well.
"""

from __future__ import annotations

import contextlib
import html
import json
import logging
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Any

import bleach
import jinja2
import jupytext
import nbformat
import pandas as pd
import papermill
from bleach.css_sanitizer import CSSSanitizer
from IPython.display import HTML
from markupsafe import Markup
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor
from spacy import displacy

from newscope import config
from newscope.config import ConfigError
from newscope.figures import FIGURES_DIR_ENV, MANIFEST_NAME, OKABE_ITO, clear_figures, read_manifest
from newscope.provenance import footer_html, stamp

log = logging.getLogger(__name__)

TEMPLATES = resources.files("newscope") / "templates"
TEMPLATE_NAME = "newscope_report"
_TOC_MARKER = "<!-- newscope:toc -->"
_STYLE_ELEMENT = re.compile(r"<style\b[^>]*>.*?</style\s*>", re.IGNORECASE | re.DOTALL)

_ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
    "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp",
    "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "u", "ul", "var",
})
_ALLOWED_ATTRIBUTES = {
    "*": ["class", "id", "title", "style", "dir", "lang"],
    "a": ["href", "name", "target", "rel"],
    "td": ["colspan", "rowspan", "align"],
    "th": ["colspan", "rowspan", "align", "scope"],
    "ol": ["start"],
}
_CSS = CSSSanitizer(allowed_css_properties=[
    "background", "background-color", "border", "border-bottom", "border-bottom-left-radius",
    "border-radius", "border-top", "border-top-left-radius", "bottom", "box-sizing", "color",
    "direction", "display", "font-size", "font-style", "font-weight", "height", "left",
    "line-height", "margin", "margin-bottom", "margin-left", "margin-right", "margin-top",
    "max-width", "padding", "padding-left", "padding-right", "position", "right", "text-align",
    "text-decoration", "text-transform", "top", "vertical-align", "white-space", "width", "z-index",
])  # everything displaCy's span and ent views use

#: Highlight colours of the article view (Okabe-Ito), by role.
ROLE_COLOURS = {"entity": "#56B4E966", "source": OKABE_ITO[0], "cue": OKABE_ITO[5], "content": OKABE_ITO[2]}


class ReportError(ConfigError):
    """A report notebook is missing, malformed or failed; the message names notebook and cell."""


def clean_html(element: str | bytes) -> str:
    """Sanitise HTML from notebook outputs and Markdown: allow-listed tags, attributes and CSS.

    Anything else (``<script>``, ``<img ...>``, event handlers, ``javascript:`` links) is
    escaped and so shown literally; ``<style>`` blocks (pandas' table CSS) are dropped.
    Figures are PNG outputs, which do not pass through here.
    """
    text = element.decode() if isinstance(element, bytes) else str(element)
    text = _STYLE_ELEMENT.sub("", text)
    return bleach.clean(
        text, tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES, css_sanitizer=_CSS,
        protocols={"http", "https", "mailto"}, strip=False, strip_comments=True,
    )


def _number(x: float) -> str:
    """Whole numbers with thousands separators, others to 0.1 from 100 up, else 3 digits."""
    if float(x).is_integer():
        return f"{x:,.0f}"
    return f"{x:,.1f}" if abs(x) >= 100 else f"{x:.3g}"


def safe_table(df: pd.DataFrame, max_rows: int = 50) -> HTML:
    """A readable HTML table of the first ``max_rows`` rows; every cell and header escaped,
    numbers rounded for reading (the CSV beside each figure keeps full precision)."""
    shown = df.head(max_rows)
    table = shown.to_html(escape=True, border=0, classes="newscope-table", na_rep="", float_format=_number,
                          index=not isinstance(df.index, pd.RangeIndex), max_cols=None)
    note = ""
    if len(df) > max_rows:
        note = f'<p class="newscope-table-note">First {max_rows} of {len(df):,} rows.</p>'
    return HTML(f'<div class="newscope-table-wrap">{table}{note}</div>')


def _int_or_none(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def article_view(text: str, mentions: pd.DataFrame, attributions: pd.DataFrame) -> HTML:
    """One article with entity mentions and attributions highlighted (displaCy span style).

    ``mentions``: ``start, end, label, text``; ``attributions``: ``source_start/end,
    cue_start/end, content_start/end, speaker, cue_lemma, kind`` (offsets into ``text``,
    nullable). Attribution *i* is highlighted as ``SOURCE i``, ``CUE i`` and ``CONTENT i``
    (short labels keep displaCy's stacked labels legible); a key table below gives each
    one's speaker, cue lemma and kind. All text and labels are escaped.
    """
    import spacy

    doc = spacy.blank("en").make_doc(text)
    spans: list[tuple[int, int, str]] = []
    colours: dict[str, str] = {}

    def add(start: Any, end: Any, role: str, label: str) -> None:
        start, end = _int_or_none(start), _int_or_none(end)
        if start is None or end is None:
            return
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or len(span) == 0:
            log.warning("article_view: %s span %d-%d is outside the text; not shown", role, start, end)
            return
        spans.append((span.start, span.end, label))
        colours[label] = ROLE_COLOURS[role]

    for m in mentions.itertuples(index=False):
        add(m.start, m.end, "entity", html.escape(str(m.label)))
    key = []
    for i, a in enumerate(attributions.itertuples(index=False), start=1):
        add(a.source_start, a.source_end, "source", f"SOURCE {i}")
        add(a.cue_start, a.cue_end, "cue", f"CUE {i}")
        add(a.content_start, a.content_end, "content", f"CONTENT {i}")
        src = (_int_or_none(a.source_start), _int_or_none(a.source_end))
        key.append({"attribution": i, "speaker": a.speaker, "cue": a.cue_lemma, "kind": a.kind,
                    "source text": text[src[0]:src[1]] if None not in src else None})

    # One displaCy block per paragraph (line breaks would otherwise collapse); spans
    # crossing a paragraph break are shown in each paragraph they touch.
    breaks = [t.i for t in doc if t.is_space and "\n" in t.text]
    paragraphs = []
    for lo, hi in zip([0, *(b + 1 for b in breaks)], [*breaks, len(doc)]):
        if lo >= hi:
            continue
        clipped = [
            {"start_token": max(s, lo) - lo, "end_token": min(e, hi) - lo, "label": label}
            for s, e, label in spans if max(s, lo) < min(e, hi)
        ]
        paragraphs.append(displacy.render(
            {"text": doc[lo:hi].text, "tokens": [t.text for t in doc[lo:hi]], "spans": clipped},
            style="span", manual=True, jupyter=False, options={"colors": colours},
        ))
    legend = "".join(
        f'<span style="background: {colour}">{html.escape(role)}</span>' for role, colour in ROLE_COLOURS.items()
    )
    table = pd.DataFrame(key, columns=["attribution", "speaker", "cue", "kind", "source text"]).to_html(
        escape=True, index=False, border=0, classes="newscope-table", na_rep="")
    return HTML(f'<div class="newscope-legend">{legend}</div>'
                f'<div class="newscope-article">{"".join(paragraphs)}</div>{table}')


def _resolve_notebook(name: str | Path, notebooks_dir: Path | None) -> Path:
    path = Path(name)
    if path.suffix in (".py", ".ipynb"):
        candidates = [path]
    else:
        folder = notebooks_dir or config.NOTEBOOKS_DIR
        candidates = [folder / f"{name}.py", folder / f"{name}.ipynb"]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise ReportError(
        f"report notebook {name!r} not found (looked for {', '.join(map(str, candidates))})"
    )


def _read_notebook(path: Path) -> nbformat.NotebookNode:
    nb = jupytext.read(path)
    if not any("parameters" in c.metadata.get("tags", []) for c in nb.cells):
        raise ReportError(
            f"{path}: no cell is tagged 'parameters'; tag the cell holding the default "
            f"parameters (jupytext percent format: `# %% tags=[\"parameters\"]`)"
        )
    return nb


@contextlib.contextmanager
def _current_python_kernel(env: dict[str, str]) -> Iterator[str]:
    """A throw-away kernelspec that runs ``sys.executable`` (found first on JUPYTER_PATH)."""
    with tempfile.TemporaryDirectory(prefix="newscope-kernel-") as tmp:
        name = "newscope-python"
        spec_dir = Path(tmp) / "kernels" / name
        spec_dir.mkdir(parents=True)
        spec = {
            # The kernel talks to this process over loopback TCP with signed messages; its
            # warning that TCP is unencrypted is noise on every report, so only errors are logged.
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}", "--log-level=ERROR"],
            "display_name": "newscope (current Python)",
            "language": "python",
            "env": env,
        }
        (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
        previous = os.environ.get("JUPYTER_PATH")
        os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [tmp, previous]))
        try:
            yield name
        finally:
            if previous is None:
                del os.environ["JUPYTER_PATH"]
            else:
                os.environ["JUPYTER_PATH"] = previous


def _execute(nb: nbformat.NotebookNode, source: Path, executed: Path, parameters: dict,
             figures_dir: Path) -> nbformat.NotebookNode:
    env = {FIGURES_DIR_ENV: str(figures_dir), "PYTHONHASHSEED": "0", "NEWSCOPE_ROOT": str(config.PROJ_ROOT)}
    with _current_python_kernel(env) as kernel:
        try:
            return papermill.execute_notebook(
                nb, str(executed), parameters=parameters, kernel_name=kernel, language="python",
                cwd=str(config.PROJ_ROOT), progress_bar=False, log_output=False,
            )
        except papermill.PapermillExecutionError as exc:
            first_line = next((ln for ln in exc.source.splitlines() if ln.strip()), "")
            raise ReportError(
                f"{source}: cell {exc.cell_index + 1} (execution count {exc.exec_count}, starting "
                f"{first_line!r}) failed: {exc.ename}: {exc.evalue.rstrip('.')}. The executed notebook with "
                f"the full traceback is {executed}"
            ) from None


class _Headings(HTMLParser):
    """Collects ``(level, id, text)`` of h1-h3 elements that carry an id."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[tuple[int, str, str]] = []
        self._open: tuple[int, str, list[str]] | None = None
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h1", "h2", "h3") and dict(attrs).get("id"):
            self._open = (int(tag[1]), dict(attrs)["id"] or "", [])
        elif tag == "a" and self._open and "anchor-link" in (dict(attrs).get("class") or ""):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._skip:
            self._skip -= 1
        elif self._open and tag == f"h{self._open[0]}":
            level, anchor, parts = self._open
            self.headings.append((level, anchor, "".join(parts).strip()))
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open and not self._skip:
            self._open[2].append(data)


def _toc(body: str) -> str:
    parser = _Headings()
    parser.feed(body)
    entries = [(lvl, anchor, text) for lvl, anchor, text in parser.headings if lvl in (2, 3)]
    if not entries:
        return ""
    items = "\n".join(
        f'<li class="level-{lvl}"><a href="#{html.escape(anchor)}">{html.escape(text)}</a></li>'
        for lvl, anchor, text in entries
    )
    return f"<h2>Contents</h2>\n<ol>\n{items}\n</ol>"


def _title(nb: nbformat.NotebookNode, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def render_html(nb: nbformat.NotebookNode, *, title: str, footer: str, show_code: bool = False) -> str:
    """Render an executed notebook to self-contained, sanitised HTML (no network needed)."""
    nb = nbformat.from_dict(nb)
    nb.metadata["title"] = title
    if not show_code:
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = [o for o in cell.outputs if o.get("name") != "stderr"]
    exporter = HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=not show_code,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        sanitize_html=True,
        filters={"clean_html": clean_html},
    )
    exporter.register_preprocessor(TagRemovePreprocessor(
        remove_cell_tags={"remove-cell"},
        remove_input_tags={"remove-input", "hide-input"},
        remove_all_outputs_tags={"remove-output"},
        enabled=True,
    ), enabled=True)
    extra = {"newscope": {
        "css": (TEMPLATES / "report.css").read_text(encoding="utf-8"),
        "toc_marker": _TOC_MARKER,
        "footer": footer,
    }}
    body, _ = exporter.from_notebook_node(nb, resources=extra)
    return body.replace(_TOC_MARKER, _toc(body), 1)


def run_report(
    name: str | Path,
    *,
    parameters: dict,
    out_html: Path,
    executed_dir: Path,
    show_code: bool = False,
    notebooks_dir: Path | None = None,
    figures_dir: Path | None = None,
) -> Path:
    """Execute report notebook ``name`` with ``parameters`` and write it as HTML to ``out_html``.

    ``name`` is a notebook in ``notebooks_dir`` (default ``notebooks/``; ``<name>.py`` in
    jupytext percent format or ``<name>.ipynb``) or a path to one. The executed notebook
    goes to ``executed_dir``; its figures to ``figures_dir`` (default
    ``reports/figures/<name>``), replacing those of its previous run. Raises
    :class:`ReportError` naming the failing cell.
    """
    source = _resolve_notebook(name, notebooks_dir)
    stem = source.stem
    nb = _read_notebook(source)
    executed_dir.mkdir(parents=True, exist_ok=True)
    executed = executed_dir / f"{stem}.ipynb"
    figures_dir = Path(figures_dir).resolve() if figures_dir else config.FIGURES_DIR / stem
    clear_figures(figures_dir)
    log.info("running %s -> %s", source, executed)
    result = _execute(nb, source, executed, parameters, figures_dir)
    footer = footer_html(stamp(parameters))
    page = render_html(result, title=_title(result, stem), footer=footer, show_code=show_code)
    out_html.parent.mkdir(parents=True, exist_ok=True)
    out_html.write_text(page, encoding="utf-8")
    log.info("wrote %s", out_html)
    return out_html


def _report_title(path: Path) -> str:
    class Title(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.inside, self.text = False, ""

        def handle_starttag(self, tag: str, attrs: list) -> None:
            self.inside = tag == "title" and not self.text

        def handle_endtag(self, tag: str) -> None:
            self.inside = False

        def handle_data(self, data: str) -> None:
            if self.inside:
                self.text += data

    parser = Title()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return parser.text.strip() or path.stem


def merge_manifests(figures_dir: Path) -> list[dict]:
    """Entries of every ``<figures_dir>/<report>/figures.json``, paths made relative to ``figures_dir``.

    Writes the merged manifest to ``<figures_dir>/figures.json`` (sorted by report, id;
    each entry gains ``report``) and returns its entries.
    """
    merged = []
    for manifest in sorted(figures_dir.glob(f"*/{MANIFEST_NAME}")):
        report = manifest.parent.name
        for entry in read_manifest(manifest).values():
            entry = {**entry, "report": report}
            entry["files"] = {fmt: {**f, "path": f"{report}/{f['path']}"} for fmt, f in entry["files"].items()}
            entry["data"] = {**entry["data"], "path": f"{report}/{entry['data']['path']}"}
            merged.append(entry)
    merged.sort(key=lambda e: (e["report"], e["id"]))
    figures_dir.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"figures": merged}, indent=2, sort_keys=True, ensure_ascii=False, default=str)
    (figures_dir / MANIFEST_NAME).write_text(text + "\n", encoding="utf-8")
    return merged


def build_index(reports_dir: Path, out_html: Path) -> Path:
    """Write ``out_html`` listing every report in ``reports_dir`` and every figure with downloads.

    Figures come from the per-report manifests ``reports_dir/figures/<report>/figures.json``,
    which are merged into ``reports_dir/figures/figures.json``.
    """
    figures_dir = reports_dir / "figures"
    base = out_html.parent

    def href(path: Path) -> str:
        return Path(os.path.relpath(path, base)).as_posix()

    reports = [
        {"href": href(p), "title": _report_title(p)}
        for p in sorted(reports_dir.glob("*.html")) if p.resolve() != out_html.resolve()
    ]
    figures = []
    for e in merge_manifests(figures_dir):
        model = (e.get("provenance") or {}).get("model") or {}
        commit = ((e.get("provenance") or {}).get("git") or {}).get("commit")
        files = e["files"]
        figures.append({
            "key": f"{e['report']}-{e['id']}", "id": e["id"], "title": e["title"], "caption": e["caption"],
            "report": e["report"], "commit": (commit or "unknown")[:12],
            "model": f"{model.get('name')} {model.get('version')}",
            "png": href(figures_dir / files["png"]["path"]) if "png" in files else None,
            "downloads": [(fmt.upper(), href(figures_dir / f["path"])) for fmt, f in sorted(files.items())]
            + [("CSV", href(figures_dir / e["data"]["path"]))],
        })
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True)
    page = env.get_template("index.html.j2").render(
        reports=reports, figures=figures, manifest_href=href(figures_dir / MANIFEST_NAME),
        css=Markup((TEMPLATES / "report.css").read_text(encoding="utf-8")),
        footer=Markup(footer_html(stamp())),
    )
    out_html.parent.mkdir(parents=True, exist_ok=True)
    out_html.write_text(page, encoding="utf-8")
    log.info("wrote %s (%d reports, %d figures)", out_html, len(reports), len(figures))
    return out_html
