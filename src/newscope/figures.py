"""One figure style and a deterministic figure writer with a manifest.

Every notebook calls :func:`style` once and :func:`save_figure` for each figure::

    from newscope.figures import save_figure, style
    style()
    fig, ax = plt.subplots()
    ax.barh(top["name"], top["n_mentions"])
    save_figure(fig, "entity-top", title="Most mentioned entities",
                caption="Mentions per entity, all outlets.", data=top, params=params)

Same inputs give the same bytes: PDF/SVG/PNG carry no dates, SVG ids are salted with a
fixed string, text is drawn with the DejaVu Sans font shipped with matplotlib.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import filelock
import matplotlib as mpl
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
from cycler import cycler
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from newscope import config
from newscope.provenance import stamp

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


def bar_chart(labels: pd.Series, values: pd.Series, *, xlabel: str, share: bool = False) -> Figure:
    """Horizontal bars of ``values`` labelled by ``labels``, the first row on top; ``share``
    formats the axis as percentages."""
    fig, ax = plt.subplots(figsize=(SINGLE_COLUMN, max(1.2, 0.18 * len(values) + 0.6)), layout="constrained")
    ax.barh(labels.astype(str)[::-1], values[::-1])
    ax.set_xlabel(xlabel)
    if share:
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    return fig


def date_axis(ax: mpl.axes.Axes) -> None:
    """Concise date ticks (at most eight) on the x axis."""
    locator = mdates.AutoDateLocator(maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def default_figures_dir() -> Path:
    """``$NEWSCOPE_FIGURES_DIR`` if set (``newscope report`` sets it), else
    ``reports/scratch/figures``: a notebook run by hand never writes a pipeline output."""
    env = os.environ.get(FIGURES_DIR_ENV)
    return config.resolve_path(env) if env else config.SCRATCH_DIR / "figures"


def _check_fig_id(fig_id: str) -> None:
    if not isinstance(fig_id, str) or not _FIG_ID.match(fig_id):
        raise ValueError(
            f"figure id {fig_id!r} is not a stable slug: use lower-case letters, digits and "
            f"single '-' or '_' between them, e.g. 'entity-trends' (it names the files "
            f"<id>.pdf/.svg/.png/.csv and the figures.json entry, so keep it fixed)"
        )


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
    """Delete the figures listed in ``folder``'s manifest, and the manifest, so that a
    report's folder holds only what its latest run made (other files are left alone)."""
    manifest = Path(folder) / MANIFEST_NAME
    for entry in read_manifest(manifest).values():
        for file in [entry["data"], *entry["files"].values()]:
            (Path(folder) / file["path"]).unlink(missing_ok=True)
    manifest.unlink(missing_ok=True)


def _update_manifest(path: Path, entry: dict) -> None:
    with _manifest_lock(path):
        entries = read_manifest(path)
        entries[entry["id"]] = entry
        text = json.dumps(
            {"figures": [entries[k] for k in sorted(entries)]},
            indent=2, sort_keys=True, ensure_ascii=False, default=str,
        ) + "\n"
        _atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


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
    data {path, sha256}, params, provenance``; paths are relative to ``out_dir``.
    """
    _check_fig_id(fig_id)
    table = _plotted_data(data)
    out_dir = Path(out_dir) if out_dir is not None else default_figures_dir()
    out_dir.mkdir(parents=True, exist_ok=True)

    files: dict[str, dict[str, str]] = {}
    with mpl.rc_context({"svg.hashsalt": STYLE["svg.hashsalt"]}):
        for fmt in FORMATS:
            path = out_dir / f"{fig_id}.{fmt}"
            _atomic_write(path, lambda tmp, fmt=fmt: fig.savefig(
                tmp, format=fmt, dpi=PNG_DPI, metadata=_METADATA[fmt]))
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
    _show_inline(out_dir / files["png"]["path"], title, fig.get_figwidth())
    plt.close(fig)
    return entry
