"""The alias table: the user's corrections to entity resolution, and the built-in ones.

Format (YAML; every section optional)::

    merge:            # canonical name: [names that mean it]
      Donald Trump: [Trump, Donald J. Trump]
    split: [Bush]     # names never merged into another entity, in or across articles
    ignore: [AI]      # names dropped from mentions and entities
    labels:           # force an entity's label
      Qusayr: GPE
    related:          # name: [names of other entities related to it, never merged]
      Syria: [Syrian]

The built-in table (``newscope/data/aliases.yaml``: wire agencies and institutions) applies
first; the user's (``params.yaml`` ``entities.aliases``) wins over it. Names are compared
after :func:`~newscope.entities.names.normalize_name`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from newscope.config import ConfigError
from newscope.entities.names import normalize_name


@dataclass
class AliasTable:
    """Normalised alias rules: ``merge`` alias -> canonical name, ``split``, ``ignore``,
    ``labels`` (normalised canonical name -> label), ``related`` (pairs of normalised
    names of related entities: a country and its demonym, a party and its members)."""

    merge: dict[str, str] = field(default_factory=dict)
    split: set[str] = field(default_factory=set)
    ignore: set[str] = field(default_factory=set)
    labels: dict[str, str] = field(default_factory=dict)
    related: set[tuple[str, str]] = field(default_factory=set)

    def update(self, other: AliasTable) -> None:
        """Apply ``other`` on top of this table (its rules win)."""
        for name in other.split:
            self.merge.pop(name, None)
        self.merge.update(other.merge)
        self.split |= other.split
        self.ignore |= other.ignore
        self.labels.update(other.labels)
        self.related |= other.related


_SECTIONS = ("merge", "split", "ignore", "labels", "related")


def _names(value: object, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise ConfigError(f"{where}: expected a name or a list of names, got {value!r}")


def load_aliases(path: str | Path) -> AliasTable:
    """Read an alias table (format in this module's docstring), naming the file on error."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"alias table {path} (params.yaml: entities.aliases) does not exist")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping with {'/'.join(_SECTIONS)}")
    unknown = sorted(set(data) - set(_SECTIONS))
    if unknown:
        raise ConfigError(f"{path}: unknown section(s) {', '.join(unknown)}; known: {', '.join(_SECTIONS)}")
    table = AliasTable()
    merge = data.get("merge") or {}
    if not isinstance(merge, dict):
        raise ConfigError(f"{path}: 'merge' must map a canonical name to a list of aliases")
    for canonical, aliases in merge.items():
        for alias in [canonical, *_names(aliases, f"{path}: merge.{canonical}")]:
            norm = normalize_name(alias)
            if table.merge.get(norm, canonical) != canonical:
                raise ConfigError(
                    f"{path}: {alias!r} is listed under both {table.merge[norm]!r} and {canonical!r} in 'merge'"
                )
            table.merge[norm] = str(canonical)
    table.split = {normalize_name(n) for n in _names(data.get("split"), f"{path}: split")}
    table.ignore = {normalize_name(n) for n in _names(data.get("ignore"), f"{path}: ignore")}
    labels = data.get("labels") or {}
    if not isinstance(labels, dict) or not all(isinstance(v, str) for v in labels.values()):
        raise ConfigError(f"{path}: 'labels' must map a name to a label such as GPE")
    table.labels = {normalize_name(k): v for k, v in labels.items()}
    related = data.get("related") or {}
    if not isinstance(related, dict):
        raise ConfigError(f"{path}: 'related' must map a name to a list of related names")
    table.related = {(normalize_name(name), normalize_name(other)) for name, others in related.items()
                     for other in _names(others, f"{path}: related.{name}")}
    return table


def builtin_aliases() -> AliasTable:
    """The alias table shipped with newscope (wire agencies and institutions)."""
    with resources.as_file(resources.files("newscope") / "data" / "aliases.yaml") as path:
        return load_aliases(path)
