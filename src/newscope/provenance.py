"""Provenance stamp: what produced a figure or report (code, data, model, parameters).

The stamp goes into the figure manifest (``reports/figures/figures.json``) and into every
report footer. Figure *files* never contain it (nor any date), so they stay byte-identical
across reruns; see :data:`VOLATILE_FIELDS` for the manifest fields that legitimately change
between two runs of the same inputs.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import subprocess
from pathlib import Path
from typing import Any

import spacy
import spacy.util
import yaml

import newscope
from newscope.config import PROJ_ROOT, load_settings

log = logging.getLogger(__name__)

#: Manifest fields (dotted paths inside a figure entry) that differ between two runs of the
#: same inputs: a reproducibility comparison of ``figures.json`` drops them first.
VOLATILE_FIELDS: tuple[str, ...] = ("provenance.run_date",)

#: The DVC stage whose dependencies are the input data.
INPUT_STAGE = "ingest"


def git_info(root: Path = PROJ_ROOT) -> dict[str, Any]:
    """``{"commit": sha, "dirty": bool}`` for ``root``; both ``None`` outside a git checkout.

    "Dirty" means tracked files differ from the commit. Untracked files (pipeline outputs)
    and ``dvc.lock`` do not count: ``dvc repro`` rewrites ``dvc.lock`` while it runs, and
    the input data hashes it holds are recorded separately (:func:`data_hashes`).
    """
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
        status = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no",
             "--", ".", ":(exclude)dvc.lock"],
            capture_output=True, text=True, check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        log.debug("%s is not a git checkout (or git is missing)", root)
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": bool(status.strip())}


def data_hashes(lock_file: Path | None = None, stage: str = INPUT_STAGE) -> list[dict[str, str]]:
    """Input data hashes: ``[{"path", "md5"}]`` of ``stage``'s deps in ``dvc.lock``.

    Empty when there is no ``dvc.lock`` yet or it has no such stage.
    """
    lock_file = lock_file or PROJ_ROOT / "dvc.lock"
    if not lock_file.is_file():
        return []
    try:
        lock = yaml.safe_load(lock_file.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ValueError(f"{lock_file}: not valid YAML ({exc}); run `dvc repro` to rewrite it") from None
    deps = ((lock.get("stages") or {}).get(stage) or {}).get("deps") or []
    return sorted(
        ({"path": str(d["path"]), "md5": str(d["md5"])} for d in deps if "path" in d and "md5" in d),
        key=lambda d: d["path"],
    )


def model_info(name: str) -> dict[str, str | None]:
    """Name and version of the spaCy model ``name`` (package or path), without loading it."""
    version = spacy.util.get_package_version(name)
    if version is None:
        meta_path = Path(name) / "meta.json"
        if meta_path.is_file():
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            return {"name": f"{meta.get('lang', '')}_{meta.get('name', name)}", "version": meta.get("version")}
    return {"name": name, "version": version}


def stamp(params: dict | None = None) -> dict[str, Any]:
    """Provenance of a run: git, input data hashes, spaCy, model, newscope, params, run date.

    ``params`` are the parameters the figure/report used (recorded as given). The model is
    the one named in ``params.yaml`` (``nlp.model``).
    """
    return {
        "git": git_info(),
        "data": data_hashes(),
        "spacy": spacy.__version__,
        "model": model_info(load_settings().nlp.model),
        "newscope": newscope.__version__,
        "params": params or {},
        "run_date": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
    }


def footer_html(stamp: dict) -> str:
    """An HTML ``<footer>`` listing the provenance fields of ``stamp`` (every value escaped)."""
    git = stamp.get("git") or {}
    commit = git.get("commit") or "not a git checkout"
    if git.get("dirty"):
        commit += " (uncommitted changes)"
    model = stamp.get("model") or {}
    data = stamp.get("data") or []
    data_text = "; ".join(f"{d['path']} md5 {d['md5']}" for d in data) or "no dvc.lock yet"
    params = json.dumps(stamp.get("params") or {}, sort_keys=True, ensure_ascii=False, default=str)
    rows = [
        ("Git commit", commit),
        ("Input data", data_text),
        ("spaCy", stamp.get("spacy")),
        ("Model", f"{model.get('name')} {model.get('version') or '(version unknown)'}"),
        ("newscope", stamp.get("newscope")),
        ("Parameters", params),
        ("Run date (UTC)", stamp.get("run_date")),
    ]
    items = "\n".join(
        f"<dt>{html.escape(str(k))}</dt><dd><code>{html.escape(str(v))}</code></dd>" for k, v in rows
    )
    return (
        '<footer class="newscope-provenance">\n<h2>Provenance</h2>\n'
        f'<dl>\n{items}\n</dl>\n</footer>'
    )
