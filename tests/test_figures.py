"""Figures: one style, byte-identical files for identical inputs, a merged manifest."""

from __future__ import annotations

import hashlib
import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from newscope import figures
from newscope.figures import read_manifest, save_figure, style
from newscope.provenance import VOLATILE_FIELDS

@pytest.fixture(autouse=True)
def _fixed_git(monkeypatch):
    """The shared working tree may gain a commit between two saves; pin the git stamp."""
    from newscope import provenance

    monkeypatch.setattr(provenance, "git_info", lambda root=None: {"commit": "0" * 40, "dirty": False})


DATA = pd.DataFrame({"entity": ["Assad", "<script>alert(1)</script>", "Rappler"], "mentions": [5, 3, 2]})


def _plot(fig_id: str, out_dir, params=None) -> dict:
    style()
    fig, ax = plt.subplots()
    ax.barh(DATA["entity"], DATA["mentions"], label="mentions")
    ax.set_title("Top entities")
    ax.legend()
    return save_figure(fig, fig_id, title="Top entities", caption="Mentions per entity.",
                       data=DATA, params=params or {"top_n": 3}, out_dir=out_dir)


def _digests(folder) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _drop_volatile(manifest: dict) -> dict:
    for entry in manifest["figures"]:
        for dotted in VOLATILE_FIELDS:
            *parents, leaf = dotted.split(".")
            node = entry
            for key in parents:
                node = node[key]
            node.pop(leaf)
    return manifest


def test_same_inputs_give_same_bytes(tmp_path):
    _plot("entity-top", tmp_path / "a")
    _plot("entity-top", tmp_path / "b")
    a, b = _digests(tmp_path / "a"), _digests(tmp_path / "b")
    assert set(a) == {"entity-top.pdf", "entity-top.svg", "entity-top.png", "entity-top.csv", "figures.json"}
    for name in a:
        if name != "figures.json":
            assert a[name] == b[name], name
    ma = _drop_volatile(json.loads((tmp_path / "a" / "figures.json").read_text()))
    mb = _drop_volatile(json.loads((tmp_path / "b" / "figures.json").read_text()))
    assert ma == mb


def test_files_carry_no_dates(tmp_path):
    _plot("entity-top", tmp_path)
    assert b"CreationDate" not in (tmp_path / "entity-top.pdf").read_bytes()
    assert b"<dc:date>" not in (tmp_path / "entity-top.svg").read_bytes()
    png = (tmp_path / "entity-top.png").read_bytes()
    assert b"Software\x00newscope" in png and b"matplotlib" not in png.lower()


def test_manifest_entry(tmp_path):
    entry = _plot("entity-top", tmp_path, params={"top_n": 3, "period": "M"})
    assert read_manifest(tmp_path / "figures.json") == {"entity-top": json.loads(json.dumps(entry))}
    assert {"id", "title", "caption", "files", "data", "params", "provenance"} <= set(entry)
    assert set(entry["files"]) == {"pdf", "svg", "png"}
    for f in [*entry["files"].values(), entry["data"]]:
        assert hashlib.sha256((tmp_path / f["path"]).read_bytes()).hexdigest() == f["sha256"]
    assert pd.read_csv(tmp_path / entry["data"]["path"]).equals(DATA)
    assert entry["params"] == {"top_n": 3, "period": "M"}
    prov = entry["provenance"]
    assert {"git", "data", "spacy", "model", "newscope", "params", "run_date"} <= set(prov)
    assert prov["params"] == entry["params"]


def test_manifest_merges_and_sorts(tmp_path):
    _plot("zeta", tmp_path)
    _plot("alpha", tmp_path)
    _plot("zeta", tmp_path, params={"top_n": 5})
    manifest = json.loads((tmp_path / "figures.json").read_text())
    assert [e["id"] for e in manifest["figures"]] == ["alpha", "zeta"]
    assert manifest["figures"][1]["params"] == {"top_n": 5}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp files left


@pytest.mark.parametrize("bad", ["Entity Top", "top/../x", "", "-lead", "trail-", "a--b", "ÄÖ"])
def test_bad_figure_id_is_refused(tmp_path, bad):
    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match="stable slug"):
        save_figure(fig, bad, title="t", caption="c", data=DATA, out_dir=tmp_path)
    plt.close(fig)
    assert not list(tmp_path.iterdir())


def test_data_must_be_a_frame(tmp_path):
    fig, _ = plt.subplots()
    with pytest.raises(TypeError, match="DataFrame"):
        save_figure(fig, "x", title="t", caption="c", data=DATA.to_dict(), out_dir=tmp_path)
    plt.close(fig)


def test_clear_figures_removes_the_previous_runs_figures_only(tmp_path):
    _plot("alpha", tmp_path)
    _plot("zeta", tmp_path)
    (tmp_path / "notes.txt").write_text("mine")
    figures.clear_figures(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_default_out_dir_follows_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(figures.FIGURES_DIR_ENV, str(tmp_path / "nbval"))
    assert figures.default_figures_dir() == tmp_path / "nbval"
    monkeypatch.delenv(figures.FIGURES_DIR_ENV)
    assert figures.default_figures_dir() == figures.config.SCRATCH_DIR / "figures"


def test_style_is_the_house_style():
    style()
    rc = matplotlib.rcParams
    assert rc["font.sans-serif"][0] == "DejaVu Sans"
    assert rc["svg.hashsalt"] == "newscope"
    assert [c["color"] for c in rc["axes.prop_cycle"]][:3] == list(figures.OKABE_ITO[:3])
    assert rc["figure.figsize"][0] == figures.SINGLE_COLUMN


def test_check_script_compares_runs(tmp_path):
    import subprocess
    import sys

    from newscope.config import PROJ_ROOT

    script = PROJ_ROOT / "scripts" / "check_figures_reproducible.py"

    def check(*args):
        return subprocess.run([sys.executable, str(script), *map(str, args)], capture_output=True, text=True)

    _plot("entity-top", tmp_path / "a")
    _plot("entity-top", tmp_path / "b")
    for run in ("a", "b"):
        assert check("snapshot", tmp_path / run, "-o", tmp_path / f"{run}.json").returncode == 0
    same = check("compare", tmp_path / "a.json", tmp_path / "b.json")
    assert same.returncode == 0 and "5 files compared: identical" in same.stdout

    _plot("entity-top", tmp_path / "b", params={"top_n": 4})  # same picture, other params
    check("snapshot", tmp_path / "b", "-o", tmp_path / "b.json")
    differs = check("compare", tmp_path / "a.json", tmp_path / "b.json")
    assert differs.returncode == 1 and "differs: figures.json" in differs.stdout


def test_manifest_records_the_order_figures_were_saved(tmp_path):
    _plot("zeta", tmp_path)
    _plot("alpha", tmp_path)
    _plot("zeta", tmp_path, params={"top_n": 5})  # saved again: keeps its place
    entry = _plot("mid", tmp_path)
    assert entry["order"] == 3
    orders = {e["id"]: e["order"] for e in read_manifest(tmp_path / "figures.json").values()}
    assert orders == {"zeta": 1, "alpha": 2, "mid": 3}
    figures.clear_figures(tmp_path)
    assert _plot("alpha", tmp_path)["order"] == 1  # a cleared folder counts from 1 again


LONG = "The Syrian Observatory for Human Rights and the International Committee of the Red Cross"


def _long_labels(out_dir) -> dict:
    style()
    fig = figures.bar_chart(pd.Series([LONG, "Assad", "Antidisestablishmentarianismforever"]),
                            pd.Series([3, 2, 1]), xlabel="articles per 1,000 articles " * 4)
    return save_figure(fig, "long-labels", title="t", caption="c", data=DATA, out_dir=out_dir)


def test_long_labels_are_not_cut(tmp_path):
    import matplotlib.image

    _long_labels(tmp_path)
    png = matplotlib.image.imread(tmp_path / "long-labels.png")[..., :3]
    # every edge of the picture is background: nothing drawn runs off the canvas
    for edge in (png[0], png[-1], png[:, 0], png[:, -1]):
        assert edge.min() == 1.0
    assert (png < 0.5).any(axis=2).any()  # and there is text on it
    svg = (tmp_path / "long-labels.svg").read_text()
    width = float(svg.split('width="', 1)[1].split("pt", 1)[0])
    assert width > figures.SINGLE_COLUMN * 72  # the canvas grew to hold the labels


def test_long_labels_give_the_same_bytes(tmp_path):
    _long_labels(tmp_path / "a")
    _long_labels(tmp_path / "b")
    a, b = _digests(tmp_path / "a"), _digests(tmp_path / "b")
    for name in a:
        if name != "figures.json":
            assert a[name] == b[name], name


def test_bar_chart_wraps_long_labels():
    style()
    fig = figures.bar_chart(pd.Series([LONG, "Assad"]), pd.Series([2, 1]), xlabel="n")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[-1].replace("\n", " ") == LONG and max(len(line) for line in labels[-1].split("\n")) <= 32
    assert labels[0] == "Assad"
    plt.close(fig)


def test_bar_chart_draws_intervals_when_given():
    values = pd.Series([0.5, 0.2])
    plain = figures.bar_chart(pd.Series(["a", "b"]), values, xlabel="share")
    assert not plain.axes[0].collections
    fig = figures.bar_chart(pd.Series(["a", "b"]), values, xlabel="share", low=pd.Series([0.4, 0.1]),
                            high=pd.Series([0.6, 0.3]))
    segments = fig.axes[0].collections[0].get_segments()
    assert sorted((s[0][0], s[1][0]) for s in segments) == [(0.1, 0.3), (0.4, 0.6)]


def test_a_duckdb_relation_is_saved_batch_by_batch_with_the_same_bytes(tmp_path, monkeypatch):
    import duckdb

    frame = pd.DataFrame({"speaker": ["Assad", None, 'a "source"'], "content": ["We,\nwill", "", "x"],
                          "n": [1, 2, 3]})
    monkeypatch.setattr(figures, "_CSV_BATCH", 2)  # two batches
    from_frame = figures.save_table(frame, "frame", tmp_path).read_bytes()
    assert figures.save_table(duckdb.sql("SELECT * FROM frame"), "relation", tmp_path).read_bytes() == from_frame
    empty = figures.save_table(duckdb.sql("SELECT * FROM frame WHERE n > 9"), "empty", tmp_path)
    assert empty.read_text(encoding="utf-8") == "speaker,content,n\n"
