"""One figure style and a deterministic figure writer with a manifest.

Every notebook calls :func:`style` once and :func:`save_figure` for each figure::

    from newscope.figures import save_figure, style
    style()
    fig, ax = plt.subplots()
    ax.barh(top["name"], top["n_mentions"])
    save_figure(fig, "entity-top", title="Most mentioned entities",
                caption="Mentions per entity, all outlets.", data=top, params=params)

Same inputs give the same bytes: PDF/SVG/PNG carry no dates, SVG ids are salted with a
fixed string, text is drawn with the DejaVu Sans font shipped with matplotlib. Files are
saved with a tight bounding box and a fixed pad, so long tick labels and axis labels are
never cut off at the edge (the saved canvas grows instead).

Tables shown in a report (:func:`newscope.display.safe_table` with a ``name``) are written
in full by :func:`save_table` to ``<figures folder>/tables/<name>.csv``: beside the figures,
never confused with a figure's plotted data (no manifest entry, no name clash with
``<fig_id>.csv``), and cleared with the figures by :func:`clear_figures`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import tempfile
import textwrap
from pathlib import Path
from typing import Any

import duckdb
import filelock
import matplotlib as mpl
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from cycler import cycler
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from newscope import config
from newscope.provenance import stamp

_CSV_BATCH = 100_000  # rows of a DuckDB relation converted and written at a time

log = logging.getLogger(__name__)

#: Okabe & Ito (2008) colourblind-safe palette (black last: it is reserved for emphasis).
OKABE_ITO = (
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000",
)
#: Width of a single journal column, inches.
SINGLE_COLUMN = 3.5
MANIFEST_NAME = "figures.json"
#: Environment variable naming the default figure folder (``run_report`` sets it per report;
#: relative paths are relative to the project root).
FIGURES_DIR_ENV = "NEWSCOPE_FIGURES_DIR"
#: Environment variable holding the link from the report page to the figure folder (a
#: relative URL; ``run_report`` sets it, so table CSV links work from the rendered HTML).
FIGURES_HREF_ENV = "NEWSCOPE_FIGURES_HREF"
#: Sub-folder of a figure folder holding the full tables of :func:`save_table`.
TABLES_SUBDIR = "tables"
#: White space kept around the tight bounding box of saved figures, inches.
PAD_INCHES = 0.05
#: Bar labels longer than this are wrapped onto a second line (and more) by :func:`bar_chart`.
LABEL_WRAP = 32
FORMATS = ("pdf", "svg", "png")
PNG_DPI = 300

_FIG_ID = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
_METADATA = {
    "pdf": {"Creator": "newscope", "CreationDate": None, "ModDate": None},
    "svg": {"Creator": "newscope", "Date": None},
    "png": {"Software": "newscope"},
}

STYLE: dict[str, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 8,
    "axes.titlesize": 9,
    "axes.labelsize": 8,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "legend.fontsize": 7,
    "legend.frameon": False,
    "figure.figsize": (SINGLE_COLUMN, SINGLE_COLUMN * 0.7),
    "figure.dpi": 150,
    "figure.constrained_layout.use": True,
    "savefig.dpi": PNG_DPI,
    "axes.prop_cycle": cycler(color=OKABE_ITO),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "x",
    "axes.axisbelow": True,
    "grid.linewidth": 0.5,
    "grid.alpha": 0.4,
    "lines.linewidth": 1.2,
    "image.cmap": "viridis",
    "svg.hashsalt": "newscope",
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
}


def style() -> None:
    """Apply the house style to matplotlib's rcParams (idempotent)."""
    mpl.rcParams.update(STYLE)


def bar_chart(labels: pd.Series, values: pd.Series, *, xlabel: str, share: bool = False,
              low: pd.Series | None = None, high: pd.Series | None = None) -> Figure:
    """Horizontal bars of ``values`` labelled by ``labels``, the first row on top; ``share``
    formats the axis as percentages; ``low`` and ``high`` draw each bar's interval."""
    wrapped = [wrap_label(label) for label in labels.astype(str)]
    lines = max((w.count("\n") + 1 for w in wrapped), default=1)
    per_bar = 0.18 if lines == 1 else 0.12 * lines + 0.06
    fig, ax = plt.subplots(figsize=(SINGLE_COLUMN, max(1.2, per_bar * len(values) + 0.6)), layout="constrained")
    ax.barh(range(len(values)), list(values)[::-1])
    if low is not None and high is not None:
        centre, lo, hi = (np.asarray(v, dtype=float)[::-1] for v in (values, low, high))
        ax.errorbar(centre, range(len(values)), xerr=[centre - lo, hi - centre], fmt="none", ecolor=OKABE_ITO[7],
                    elinewidth=0.8, capsize=2)
    ax.set_yticks(range(len(values)), wrapped[::-1])
    ax.set_xlabel(xlabel)
    if share:
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    return fig


def wrap_label(label: str, width: int = LABEL_WRAP) -> str:
    """``label`` broken at spaces into lines of at most ``width`` characters (long words kept
    whole): long names stay readable as tick labels without widening the figure."""
    return textwrap.fill(str(label), width=width, break_long_words=False, break_on_hyphens=False) or str(label)


def date_axis(ax: mpl.axes.Axes) -> None:
    """Concise date ticks (at most eight) on the x axis."""
    locator = mdates.AutoDateLocator(maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def default_figures_href(folder: Path | None = None) -> str:
    """The link to a figure folder from the page showing its tables.

    For the default folder (``folder`` None): ``$NEWSCOPE_FIGURES_HREF`` if set
    (``run_report`` sets it relative to the HTML page). Otherwise ``folder`` (default
    :func:`default_figures_dir`) relative to the working directory, as JupyterLab resolves
    links in outputs from the notebook's folder (an absolute ``file:`` URL when there is no
    relative path).
    """
    env = os.environ.get(FIGURES_HREF_ENV)
    if folder is None and env:
        return env.rstrip("/") or "."
    folder = Path(folder) if folder is not None else default_figures_dir()
    try:
        return Path(os.path.relpath(folder, Path.cwd())).as_posix()
    except ValueError:  # another drive (Windows)
        return folder.resolve().as_uri()


def default_figures_dir() -> Path:
    """``$NEWSCOPE_FIGURES_DIR`` if set (``newscope report`` sets it), else
    ``reports/scratch/figures``: a notebook run by hand never writes a pipeline output."""
    env = os.environ.get(FIGURES_DIR_ENV)
    return config.resolve_path(env) if env else config.SCRATCH_DIR / "figures"


def _check_slug(value: str, what: str, example: str, names: str) -> None:
    """Raise unless ``value`` (a figure id or table name) is a stable file-safe slug."""
    if not isinstance(value, str) or not _FIG_ID.match(value):
        raise ValueError(
            f"{what} {value!r} is not a stable slug: use lower-case letters, digits and "
            f"single '-' or '_' between them, e.g. {example!r} (it names {names}, so keep it fixed)"
        )


def table_path(name: str, out_dir: Path | None = None) -> Path:
    """Where :func:`save_table` writes table ``name``: ``<out_dir>/tables/<name>.csv``."""
    _check_slug(name, "table name", "quotes", "the file tables/<name>.csv")
    out_dir = Path(out_dir) if out_dir is not None else default_figures_dir()
    return out_dir / TABLES_SUBDIR / f"{name}.csv"


def save_table(table: pd.DataFrame | duckdb.DuckDBPyRelation, name: str, out_dir: Path | None = None) -> Path:
    """Write all rows of ``table`` to :func:`table_path` (UTF-8, full precision, no index,
    ``\\n`` line ends; same frame, same bytes) and return the path; a DuckDB relation is
    written batch by batch, never loaded whole. Not a figure: no manifest entry;
    :func:`clear_figures` deletes it at the report's next run."""
    if isinstance(table, pd.DataFrame):
        batches = [table]
    elif isinstance(table, duckdb.DuckDBPyRelation):
        batches = (batch.to_pandas() for batch in table.to_arrow_reader(_CSV_BATCH))
    else:
        raise TypeError(f"save_table(table=...) must be a pandas DataFrame, got {type(table).__name__}")
    path = table_path(name, out_dir)
    path.parent.mkdir(parents=True, exist_ok=True)

    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            header = True
            for batch in batches:
                batch.to_csv(fh, index=False, header=header, lineterminator="\n")
                header = False
            if header:  # a relation without rows
                pd.DataFrame(columns=list(table.columns)).to_csv(fh, index=False, lineterminator="\n")

    _atomic_write(path, write)
    return path


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _atomic_write(path: Path, write: Any) -> None:
    """Call ``write(tmp_path)`` then move the temporary file onto ``path``."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=path.suffix)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _plotted_data(data: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"save_figure(data=...) must be the plotted pandas DataFrame, got {type(data).__name__}")
    return data if isinstance(data.index, pd.RangeIndex) else data.reset_index()


def _manifest_lock(manifest: Path) -> filelock.FileLock:
    key = hashlib.sha256(str(manifest.resolve()).encode()).hexdigest()[:16]
    return filelock.FileLock(Path(tempfile.gettempdir()) / f"newscope-figures-{key}.lock")


def read_manifest(path: Path) -> dict[str, dict]:
    """The entries of a figure manifest, by id (empty when the file does not exist)."""
    if not path.is_file():
        return {}
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["figures"]
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise ValueError(f"{path}: not a newscope figure manifest ({exc}); delete it and rerun") from None
    return {e["id"]: e for e in entries}


def clear_figures(folder: Path) -> None:
    """Delete the figures listed in ``folder``'s manifest, the manifest and the tables of
    :func:`save_table` (``tables/*.csv``), so that a report's folder holds only what its
    latest run made (other files are left alone)."""
    manifest = Path(folder) / MANIFEST_NAME
    for entry in read_manifest(manifest).values():
        for file in [entry["data"], *entry["files"].values()]:
            (Path(folder) / file["path"]).unlink(missing_ok=True)
    manifest.unlink(missing_ok=True)
    tables = Path(folder) / TABLES_SUBDIR
    if tables.is_dir():
        for csv in tables.glob("*.csv"):
            csv.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # not empty: someone else's files
            tables.rmdir()


def _update_manifest(path: Path, entry: dict) -> None:
    """Add or replace ``entry`` in the manifest ``path``, setting its ``order``: the sequence
    number of the figure in the folder (1 for the first figure saved after the folder was
    cleared; a figure saved again keeps its number)."""
    with _manifest_lock(path):
        entries = read_manifest(path)
        previous = entries.get(entry["id"], {}).get("order")
        orders = [e["order"] for e in entries.values() if isinstance(e.get("order"), int)]
        entry["order"] = previous if isinstance(previous, int) else max(orders, default=0) + 1
        entries[entry["id"]] = entry
        text = json.dumps(
            {"figures": [entries[k] for k in sorted(entries)]},
            indent=2, sort_keys=True, ensure_ascii=False, default=str,
        ) + "\n"
        _atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _png_width_in(png: Path) -> float:
    """Width of a PNG saved at :data:`PNG_DPI`, inches (from its IHDR chunk)."""
    return int.from_bytes(png.read_bytes()[16:20], "big") / PNG_DPI


def _show_inline(png: Path, title: str, width_in: float) -> None:
    """Display the saved PNG when running inside a Jupyter kernel, at ~150 px per inch."""
    try:
        from IPython import get_ipython
        from IPython.display import Image, display
    except ImportError:
        return
    shell = get_ipython()
    if shell is None or "IPKernelApp" not in shell.config:
        return
    display(Image(data=png.read_bytes(), format="png", width=round(width_in * 150), alt=title))


def save_figure(
    fig: Figure,
    fig_id: str,
    *,
    title: str,
    caption: str,
    data: pd.DataFrame,
    params: dict | None = None,
    out_dir: Path | None = None,
) -> dict:
    """Write ``<fig_id>.pdf/.svg/.png`` (300 dpi) and ``<fig_id>.csv``; record them in the manifest.

    ``out_dir`` defaults to :func:`default_figures_dir`. The manifest
    ``<out_dir>/figures.json`` is merged with entries written by other
    notebooks. In a notebook the figure is shown inline (from the saved PNG) and closed.
    Returns the manifest entry: ``id, title, caption, files {fmt: {path, sha256}},
    data {path, sha256}, params, provenance, order``; paths are relative to ``out_dir``;
    ``order`` numbers the figures of ``out_dir`` in the order they were first saved.
    """
    _check_slug(fig_id, "figure id", "entity-trends", "the files <id>.pdf/.svg/.png/.csv and the figures.json entry")
    table = _plotted_data(data)
    out_dir = Path(out_dir) if out_dir is not None else default_figures_dir()
    out_dir.mkdir(parents=True, exist_ok=True)

    files: dict[str, dict[str, str]] = {}
    with mpl.rc_context({"svg.hashsalt": STYLE["svg.hashsalt"]}):
        for fmt in FORMATS:
            path = out_dir / f"{fig_id}.{fmt}"
            # a tight box with a fixed pad: labels longer than the layout allows widen the
            # saved canvas instead of being cut at its edge (same inputs, same box, same bytes)
            _atomic_write(path, lambda tmp, fmt=fmt: fig.savefig(
                tmp, format=fmt, dpi=PNG_DPI, metadata=_METADATA[fmt],
                bbox_inches="tight", pad_inches=PAD_INCHES))
            files[fmt] = {"path": path.name, "sha256": _sha256(path)}
    csv = out_dir / f"{fig_id}.csv"
    _atomic_write(csv, lambda tmp: table.to_csv(tmp, index=False, lineterminator="\n"))

    entry = {
        "id": fig_id,
        "title": title,
        "caption": caption,
        "files": files,
        "data": {"path": csv.name, "sha256": _sha256(csv)},
        "params": params or {},
        "provenance": stamp(params),
    }
    _update_manifest(out_dir / MANIFEST_NAME, entry)
    log.info("saved figure %s to %s", fig_id, out_dir)
    png = out_dir / files["png"]["path"]
    _show_inline(png, title, _png_width_in(png))
    plt.close(fig)
    return entry
