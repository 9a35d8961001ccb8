"""Settings: one place for each default, the shipped params.yaml in step with it."""

from __future__ import annotations

import dataclasses

import pytest

from newscope.config import PARAMS_FILE, ConfigError, Settings, load_settings, report_params


def test_shipped_params_are_the_defaults_but_the_alias_file():
    shipped = load_settings(PARAMS_FILE)
    assert shipped.entities.aliases == "aliases.yaml"
    shipped.entities.aliases = None
    assert dataclasses.asdict(shipped) == dataclasses.asdict(Settings())


def test_report_params_apply_and_check_overrides():
    assert report_params("entity_frequency", {"top_n": 5})["top_n"] == 5
    assert report_params("entity_frequency")["n_boot"] == Settings().entity_frequency.n_boot
    with pytest.raises(ConfigError, match="entity_frequency: unknown key"):
        report_params("entity_frequency", {"top": 5})
    with pytest.raises(ConfigError, match="entity_frequency.top_n: expected int"):
        report_params("entity_frequency", {"top_n": "many"})
