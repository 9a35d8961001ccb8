"""HTML reports: run a notebook with parameters, render it offline-viewable and safe.

``run_report`` takes a jupytext notebook (``notebooks/<name>.py``), executes it with
papermill in the current Python environment and renders it with nbconvert through the
``newscope_report`` template (JupyterLab look, no CDN scripts or fonts, a table of
contents, a provenance footer). Everything a notebook displays as HTML or Markdown passes
through :func:`clean_html` (an allow-list sanitiser); ``newscope.display`` escapes article
text at the source as well. See docs/DESIGN.md.
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
import papermill
from bleach.css_sanitizer import CSSSanitizer
from markupsafe import Markup
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor

from newscope import config
from newscope.config import ConfigError
from newscope.figures import (
    FIGURES_DIR_ENV,
    FIGURES_HREF_ENV,
    MANIFEST_NAME,
    clear_figures,
    read_manifest,
)
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
    "a": ["href", "name", "target", "rel", "download"],
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
])  # the properties the article view and tables use, and what pandas/Markdown emit

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
             figures_dir: Path, figures_href: str | None = None) -> nbformat.NotebookNode:
    env = {FIGURES_DIR_ENV: str(figures_dir), "PYTHONHASHSEED": "0", "NEWSCOPE_ROOT": str(config.PROJ_ROOT)}
    if figures_href is not None:
        env[FIGURES_HREF_ENV] = figures_href
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
    ``reports/figures/<name>``), replacing those of its previous run, and the full tables
    of ``safe_table(..., name=...)`` to ``figures_dir/tables/``, linked from the page
    (``$NEWSCOPE_FIGURES_HREF`` is the relative path from ``out_html``'s folder). Raises
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
    # links from the page to its figure folder (the full tables of safe_table(..., name=))
    figures_href = Path(os.path.relpath(figures_dir, out_html.resolve().parent)).as_posix()
    result = _execute(nb, source, executed, parameters, figures_dir, figures_href)
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


def _order_key(entry: dict) -> tuple:
    """Report, then the order the notebook saved its figures in (entries without an
    ``order``, from older manifests, after the others, by id)."""
    order = entry.get("order")
    return (str(entry.get("report", "")), 0 if isinstance(order, int) else 1,
            order if isinstance(order, int) else 0, str(entry.get("id", "")))


def merge_manifests(figures_dir: Path) -> list[dict]:
    """Entries of every ``<figures_dir>/<report>/figures.json``, paths made relative to ``figures_dir``.

    Writes the merged manifest to ``<figures_dir>/figures.json`` (each entry gains
    ``report``; sorted by report, then by ``order``, the order the notebook saved them in)
    and returns its entries. A manifest that cannot be read is skipped with a warning.
    """
    merged = []
    for manifest in sorted(figures_dir.glob(f"*/{MANIFEST_NAME}")):
        report = manifest.parent.name
        try:
            entries = read_manifest(manifest)
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("index: %s skipped (%s)", manifest, exc)
            continue
        for entry in entries.values():
            entry = {**entry, "report": report}
            entry["files"] = {fmt: {**f, "path": f"{report}/{f['path']}"}
                              for fmt, f in (entry.get("files") or {}).items() if isinstance(f, dict) and "path" in f}
            data = entry.get("data")
            if isinstance(data, dict) and "path" in data:
                entry["data"] = {**data, "path": f"{report}/{data['path']}"}
            merged.append(entry)
    merged.sort(key=_order_key)
    figures_dir.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"figures": merged}, indent=2, sort_keys=True, ensure_ascii=False, default=str)
    (figures_dir / MANIFEST_NAME).write_text(text + "\n", encoding="utf-8")
    return merged


def _param_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(_param_value(v) for v in value)
    return str(value)


def _is_unset(value: Any) -> bool:
    if value is None or (isinstance(value, float) and value != value):
        return True
    return isinstance(value, (str, list, tuple, dict)) and len(value) == 0


def param_items(params: Any, prefix: str = "") -> list[tuple[str, str]]:
    """``(name, value)`` of the parameters that are set (not None or empty), nested
    dictionaries flattened to ``a.b``, values as short text (lists joined by commas)."""
    if not isinstance(params, dict):
        return []
    items: list[tuple[str, str]] = []
    for key in sorted(params, key=str):
        value = params[key]
        if _is_unset(value):
            continue
        if isinstance(value, dict):
            items += param_items(value, f"{prefix}{key}.")
        else:
            items.append((f"{prefix}{key}", _param_value(value)))
    return items


def build_index(reports_dir: Path, out_html: Path) -> Path:
    """Write ``out_html`` listing every report in ``reports_dir`` and every figure with downloads.

    Figures come from the per-report manifests ``reports_dir/figures/<report>/figures.json``,
    which are merged into ``reports_dir/figures/figures.json``. They are grouped by report,
    in the order each notebook saved them, each with its parameters that are set.
    """
    figures_dir = reports_dir / "figures"
    base = out_html.parent

    def href(path: Path) -> str:
        return Path(os.path.relpath(path, base)).as_posix()

    pages = {p.stem: p for p in sorted(reports_dir.glob("*.html")) if p.resolve() != out_html.resolve()}
    titles = {stem: _report_title(p) for stem, p in pages.items()}
    reports = [{"href": href(p), "title": titles[stem]} for stem, p in pages.items()]
    groups: dict[str, dict] = {}
    for e in merge_manifests(figures_dir):
        provenance = e.get("provenance") if isinstance(e.get("provenance"), dict) else {}
        model = provenance.get("model") or {}
        commit = (provenance.get("git") or {}).get("commit")
        files = e["files"]
        data = e.get("data")
        report = e["report"]
        group = groups.setdefault(report, {
            "name": report, "title": titles.get(report, report),
            "href": href(pages[report]) if report in pages else None, "figures": [],
        })
        fig_id = str(e.get("id", ""))
        group["figures"].append({
            "key": f"{report}-{fig_id}", "id": fig_id, "title": e.get("title") or fig_id,
            "caption": e.get("caption") or "", "report": report, "commit": (commit or "unknown")[:12],
            "model": " ".join(str(v) for v in (model.get("name"), model.get("version")) if v) or "unknown",
            "params": param_items(e.get("params")),
            "png": href(figures_dir / files["png"]["path"]) if "png" in files else None,
            "downloads": [(fmt.upper(), href(figures_dir / f["path"])) for fmt, f in sorted(files.items())]
            + ([("CSV", href(figures_dir / data["path"]))] if isinstance(data, dict) and "path" in data else []),
        })
    figures = [f for g in groups.values() for f in g["figures"]]
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True)
    page = env.get_template("index.html.j2").render(
        reports=reports, groups=list(groups.values()), figures=figures,
        manifest_href=href(figures_dir / MANIFEST_NAME),
        css=Markup((TEMPLATES / "report.css").read_text(encoding="utf-8")),
        footer=Markup(footer_html(stamp())),
    )
    out_html.parent.mkdir(parents=True, exist_ok=True)
    out_html.write_text(page, encoding="utf-8")
    log.info("wrote %s (%d reports, %d figures)", out_html, len(reports), len(figures))
    return out_html
