"""HTML reports: executed offline-viewable notebooks, escaping of article text, the index."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from newscope.display import article_view, safe_table
from newscope.reports import (
    ReportError,
    build_index,
    clean_html,
    render_html,
    run_report,
)

XSS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]

NOTEBOOK = '''\
# %% [markdown]
# # Demo report

# %% tags=["parameters"]
top_n = 2
article_title = "plain"

# %%
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display
from newscope.figures import save_figure, style
from newscope.display import article_view, safe_table
style()

# %% [markdown]
# ## Top entities

# %%
df = pd.DataFrame({"name": ["Assad", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>"], "n": [5, 3, 2]})
fig, ax = plt.subplots()
ax.barh(df["name"], df["n"])
entry = save_figure(fig, "entity-top", title="Top entities", caption="Caption <img src=x onerror=alert(1)>",
                    data=df.head(top_n), params={"top_n": top_n})
safe_table(df)

# %%
safe_table(df, max_rows=2, name="top-entities")

# %%
df

# %% [markdown]
# ## Unsafe markdown

# %%
display(Markdown(f"### Article {article_title}"))

# %%
text = "He said <img src=x onerror=alert(1)> loudly."
article_view(text, pd.DataFrame({"start": [0], "end": [2], "label": ["PERSON"], "text": ["He"]}),
             pd.DataFrame({"source_start": [0], "source_end": [2], "cue_start": [3], "cue_end": [7],
                           "content_start": [8], "content_end": [37], "speaker": ["<script>alert(1)</script>"],
                           "cue_lemma": ["say"], "kind": ["indirect"]}))
'''

FAILING = '''\
# %% tags=["parameters"]
x = 1

# %%
y = x + 1

# %%
z = 1 / (y - 2)
'''


def _no_network_references(page: str) -> None:
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.I)
    assert not re.search(r"<link[^>]*href\s*=\s*[\"']?(https?:)?//", page, re.I)
    assert not re.search(r"@import|url\(\s*[\"']?(https?:)?//", page, re.I)
    assert "require.js" not in page and "mathjax" not in page.lower()


def _no_live_xss(page: str) -> None:
    assert "<script>alert" not in page
    assert "<img src=x" not in page and 'src="x"' not in page
    assert not re.search(r"<[^>]+\sonerror\s*=", page, re.I)


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("reports")
    (root / "nb").mkdir()
    (root / "nb" / "demo.py").write_text(NOTEBOOK)
    out = run_report("demo", parameters={"top_n": 3, "article_title": XSS[0]},
                     out_html=root / "reports" / "demo.html", executed_dir=root / "reports" / "notebooks",
                     notebooks_dir=root / "nb", figures_dir=root / "reports" / "figures" / "demo")
    return out


def test_report_is_offline_and_safe(report):
    page = report.read_text()
    _no_network_references(page)
    _no_live_xss(page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown literally
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<script" not in page.lower()  # the template adds no scripts at all


def test_report_layout(report):
    page = report.read_text()
    assert "<title>Demo report</title>" in page
    toc = re.search(r'<nav[^>]*class="newscope-toc"[^>]*>(.*?)</nav>', page, re.S).group(1)
    assert 'href="#Top-entities"' in toc and "Unsafe markdown" in toc
    assert "import matplotlib" not in page  # code hidden by default
    assert re.search(r'<img alt="Top entities" src="data:image/png;base64,', page)
    assert "<style scoped" not in page and "&lt;style" not in page
    for field in ("Git commit", "Input data", "spaCy", "Model", "newscope", "Parameters", "Run date"):
        assert f"<dt>{field}" in page
    assert re.search(r"top_n(&quot;|\"): 3", page)  # the parameters used


def test_report_outputs(report):
    root = report.parent
    executed = nbformat.read(root / "notebooks" / "demo.ipynb", as_version=4)
    assert any("injected-parameters" in c.metadata.get("tags", []) for c in executed.cells)
    figures = root / "figures" / "demo"
    assert {p.name for p in figures.iterdir() if p.is_file()} == {
        "entity-top.pdf", "entity-top.svg", "entity-top.png", "entity-top.csv", "figures.json"}
    assert [p.name for p in (figures / "tables").iterdir()] == ["top-entities.csv"]  # safe_table(name=...)
    entry = json.loads((figures / "figures.json").read_text())["figures"][0]
    assert entry["params"] == {"top_n": 3}
    assert len(pd.read_csv(figures / "entity-top.csv")) == 3


def test_show_code(report):
    executed = nbformat.read(report.parent / "notebooks" / "demo.ipynb", as_version=4)
    page = render_html(executed, title="t", footer="", show_code=True)
    assert "matplotlib" in page and "injected" in page.lower()
    _no_live_xss(page)


def test_index_lists_reports_and_figures(report):
    root = report.parent
    index = build_index(root, root / "index.html")
    page = index.read_text()
    _no_network_references(page)
    _no_live_xss(page)
    assert 'href="demo.html"' in page and "Demo report" in page
    assert "Caption &lt;img src=x onerror=alert(1)&gt;" in page
    for suffix in ("pdf", "svg", "png", "csv"):
        assert f'href="figures/demo/entity-top.{suffix}"' in page
        assert (root / "figures" / "demo" / f"entity-top.{suffix}").is_file()
    merged = json.loads((root / "figures" / "figures.json").read_text())["figures"]
    assert [(e["report"], e["id"], e["files"]["pdf"]["path"]) for e in merged] == [
        ("demo", "entity-top", "demo/entity-top.pdf")]
    assert "<dt>Git commit" in page


def test_failing_cell_is_named(tmp_path):
    (tmp_path / "broken.py").write_text(FAILING)
    with pytest.raises(ReportError, match=r"broken\.py: cell \d+ .*'z = 1 / \(y - 2\)'.*ZeroDivisionError"):
        run_report(tmp_path / "broken.py", parameters={}, out_html=tmp_path / "broken.html",
                   executed_dir=tmp_path, figures_dir=tmp_path / "figs")
    assert (tmp_path / "broken.ipynb").is_file()
    assert not (tmp_path / "broken.html").exists()


def test_missing_notebook_and_parameters_tag(tmp_path):
    with pytest.raises(ReportError, match="not found"):
        run_report("nope", parameters={}, out_html=tmp_path / "x.html", executed_dir=tmp_path,
                   notebooks_dir=tmp_path)
    (tmp_path / "untagged.py").write_text("# %%\nx = 1\n")
    with pytest.raises(ReportError, match="tagged 'parameters'"):
        run_report(tmp_path / "untagged.py", parameters={}, out_html=tmp_path / "x.html", executed_dir=tmp_path)


@pytest.mark.parametrize("bad", XSS + ['<a href="javascript:alert(1)">x</a>', "<svg onload=alert(1)>",
                                       "<iframe src=//evil></iframe>", "<b onclick=alert(1)>b</b>"])
def test_clean_html_neutralises(bad):
    cleaned = clean_html(f"<p>{bad}</p>")
    assert not re.search(r"<(script|img|svg|iframe)\b", cleaned, re.I)
    assert 'href="javascript' not in cleaned
    assert not re.search(r"<[^>]+\son\w+\s*=", cleaned, re.I)


def test_clean_html_keeps_tables_and_headings():
    table = pd.DataFrame({"a": [1]}).to_html()
    cleaned = clean_html('<style scoped>td {color: red}</style>' + table + '<h2 id="x">T</h2>')
    assert "<style" not in cleaned and "color: red" not in cleaned
    assert "<th>a</th>" in cleaned and '<h2 id="x">T</h2>' in cleaned


def test_safe_table_rounds_numbers_for_reading():
    df = pd.DataFrame({"n": [26255.0, 3.0], "rate": [278.115278, 0.62491], "x": [None, 1.938492]})
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", safe_table(df).data)
    assert cells == ["26,255", "278.1", "", "3", "0.625", "1.94"]


def test_safe_table_escapes_and_truncates():
    df = pd.DataFrame({XSS[0]: XSS * 30, "n": range(60)})
    out = safe_table(df, max_rows=5).data
    _no_live_xss(out)
    assert out.count("<tr") == 6  # header + 5 rows
    assert "First 5 of 60 rows" in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out


def test_article_view_escapes_and_labels():
    text = f'Officials told AFP: "{XSS[0]} {XSS[1]}", said <b>Assad</b>.'
    start = text.index("Assad")
    mentions = pd.DataFrame({"start": [15, start], "end": [18, start + 5], "label": ["ORG", "PERSON"],
                             "text": ["AFP", "Assad"]})
    atts = pd.DataFrame({
        "source_start": [start], "source_end": [start + 5], "cue_start": [text.index("said")],
        "cue_end": [text.index("said") + 4], "content_start": [21], "content_end": [text.index('",')],
        "speaker": [XSS[1]], "cue_lemma": ["say"], "kind": ["direct"],
    })
    out = article_view(text, mentions, atts).data
    _no_live_xss(out)
    assert "<b>" not in out and "&lt;" in out
    assert "SOURCE 1" in out and "CUE 1" in out and "CONTENT 1" in out and "PERSON" in out
    key = out[out.index("<table"):]
    for cell in ("1", "&lt;img src=x onerror=alert(1)&gt;", "say", "direct", "Assad"):
        assert f"<td>{cell}</td>" in key, cell
    assert "Officials" in out


def test_article_view_handles_missing_spans():
    atts = pd.DataFrame({"source_start": [pd.NA], "source_end": [pd.NA], "cue_start": [0], "cue_end": [4],
                         "content_start": [5], "content_end": [999], "speaker": ["a source"],
                         "cue_lemma": ["said"], "kind": ["indirect"]}).astype({"source_start": "Int64",
                                                                               "source_end": "Int64"})
    out = article_view("said hello\n\nworld", pd.DataFrame(columns=["start", "end", "label", "text"]), atts).data
    assert "CUE 1" in out and "SOURCE" not in out and "a source" in out
    assert out.count('<p class="newscope-paragraph"') == 2  # one block per paragraph


def test_article_view_styles_survive_the_sanitiser():
    mentions = pd.DataFrame({"start": [0], "end": [2], "label": ["PERSON"], "text": ["He"]})
    atts = pd.DataFrame({"source_start": [0], "source_end": [2], "cue_start": [3], "cue_end": [7],
                         "content_start": [8], "content_end": [11], "speaker": ["He"], "cue_lemma": ["say"],
                         "kind": ["indirect"]})
    view = article_view("He said hi.", mentions, atts).data

    def css_properties(page: str) -> set[str]:
        return {p.split(":")[0].strip() for style in re.findall(r'style="([^"]*)"', page)
                for p in style.split(";") if ":" in p}

    assert css_properties(clean_html(view)) == css_properties(view)
    assert {"background", "border-bottom", "font-size"} <= css_properties(view)


# --- readable tables -------------------------------------------------------------------


def _headers(out: str) -> list[str]:
    return re.findall(r"<th[^>]*>([^<]*)</th>", out)


def _text(fragment: str) -> str:
    return re.sub(r"<[^>]+>", "", fragment)


def test_safe_table_shows_no_index_column():
    merged = pd.DataFrame({"name": ["Assad", "Hezbollah"], "n_aliases": [3, 2]}, index=[17, 4])  # filtered rows
    assert _headers(safe_table(merged).data) == ["name", "n_aliases"]
    named = merged.rename_axis("entity_id")
    assert _headers(safe_table(named).data) == ["entity_id", "name", "n_aliases"]
    assert "<td" in safe_table(named).data and ">17</td>" in safe_table(named).data
    multi = merged.set_index([pd.Index(["o1", "o2"], name="outlet"), pd.Index([1, 2])])
    assert _headers(safe_table(multi).data) == ["outlet", "name", "n_aliases"]
    clash = merged.set_index(pd.Index([1, 2], name="name"))  # the column wins
    assert _headers(safe_table(clash).data) == ["name", "n_aliases"]


def test_safe_table_aligns_text_left_and_numbers_right():
    df = pd.DataFrame({"speaker": ["Assad"], "content": ["a long quote " * 8], "n": [3], "share": [0.25]})
    out = safe_table(df).data
    cells = dict(zip(["speaker", "content", "n", "share"], re.findall(r"<td([^>]*)>", out)))
    assert 'class="text"' in cells["speaker"] and "text-align: left" in cells["speaker"]
    assert 'class="text long"' in cells["content"]
    assert cells["n"] == ' class="num"' and cells["share"] == ' class="num"'
    assert re.findall(r"<th(\s[^>]*)?>", out)[2] == ' class="num"'  # headers align with their column
    assert clean_html(out).count('class="num"') == 4  # classes and styles survive the sanitiser


def test_safe_table_default_rows_and_full_csv(tmp_path, monkeypatch):
    figures_dir = tmp_path / "figures" / "demo"
    monkeypatch.setenv("NEWSCOPE_FIGURES_DIR", str(figures_dir))
    monkeypatch.setenv("NEWSCOPE_FIGURES_HREF", "figures/demo")
    df = pd.DataFrame({"speaker": [f"<b>s{i}</b>" for i in range(4337)], "share": [i / 3 for i in range(4337)]},
                      index=pd.RangeIndex(4337) + 5)
    out = safe_table(df, name="quotes").data
    assert out.count("<tr") == 21  # header + the default 20 rows
    assert ('First 20 of 4,337 rows; all rows: <a href="figures/demo/tables/quotes.csv" download>quotes.csv</a>'
            in out)
    _no_live_xss(out)
    csv = figures_dir / "tables" / "quotes.csv"
    assert pd.read_csv(csv).equals(df.reset_index(drop=True))  # all rows, full precision, no index
    raw = csv.read_bytes()
    assert b"\r\n" not in raw and raw.startswith(b"speaker,share\n<b>s0</b>,0.0\n")
    assert 'download="">quotes.csv</a>' in clean_html(out)  # the link survives the sanitiser

    small = safe_table(df.head(3), name="few").data
    assert "All rows as CSV" in small and 'href="figures/demo/tables/few.csv"' in small
    assert "First" not in small


def test_safe_table_caps_the_csv_when_asked(tmp_path, monkeypatch):
    import duckdb

    monkeypatch.setenv("NEWSCOPE_FIGURES_DIR", str(tmp_path))
    monkeypatch.setenv("NEWSCOPE_FIGURES_HREF", ".")
    df = pd.DataFrame({"n": range(250)})
    for table in (df, duckdb.from_df(df).order("n")):
        out = safe_table(table, max_rows=5, name="capped", csv_rows=100).data
        assert 'First 5 of 250 rows; the first 100 as CSV: <a href="tables/capped.csv"' in out
        assert pd.read_csv(tmp_path / "tables" / "capped.csv")["n"].tolist() == list(range(100))
    assert "all rows: <a" in safe_table(df.head(50), name="uncapped", csv_rows=100).data


def test_safe_table_link_without_report_is_the_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("NEWSCOPE_FIGURES_HREF", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NEWSCOPE_FIGURES_DIR", str(tmp_path / "scratch" / "figures"))
    out = safe_table(pd.DataFrame({"a": [1]}), name="t").data
    assert 'href="scratch/figures/tables/t.csv"' in out
    with pytest.raises(ValueError, match="table name"):
        safe_table(pd.DataFrame({"a": [1]}), name="../evil")


def test_table_csvs_are_not_figures_and_are_cleared(tmp_path, monkeypatch):
    from newscope import figures

    monkeypatch.setenv("NEWSCOPE_FIGURES_DIR", str(tmp_path))
    safe_table(pd.DataFrame({"a": [1, 2]}), name="entity-top")  # same slug as a figure: no clash
    assert (tmp_path / "tables" / "entity-top.csv").is_file()
    assert not (tmp_path / "entity-top.csv").exists() and not (tmp_path / "figures.json").exists()
    figures.clear_figures(tmp_path)
    assert not (tmp_path / "tables").exists()


def test_report_links_full_tables_relative_to_the_page(report):
    page = report.read_text()
    link = re.search(r'First 2 of 3 rows; all rows: <a [^>]*href="([^"]+)"[^>]*>top-entities\.csv</a>', page)
    assert link, "the table note links the full CSV"
    assert (report.parent / link.group(1)).is_file()
    assert link.group(1) == "figures/demo/tables/top-entities.csv"


# --- the article view ------------------------------------------------------------------


def _article_text(out: str) -> str:
    """The article as a reader sees it, without the label tags."""
    body = out[out.index('<div class="newscope-article">'):out.index("<table")]
    body = re.sub(r'<span class="newscope-tag[^"]*"[^>]*>[^<]*</span>', "", body)
    return html_unescape(_text(body.replace("<br>\n", "\n")))


def html_unescape(s: str) -> str:
    import html

    return html.unescape(s)


def test_article_view_shows_the_text_as_written():
    text = "Lebanon's army, said Qusayr.\n\nOfficials said \"he left\"  early."
    mentions = pd.DataFrame({"start": [0, 21], "end": [7, 27], "label": ["GPE", "GPE"], "text": ["Lebanon", "Qusayr"]})
    atts = pd.DataFrame({"source_start": [0], "source_end": [14], "cue_start": [16], "cue_end": [20],
                         "content_start": [21], "content_end": [28], "speaker": ["army"], "cue_lemma": ["say"],
                         "kind": ["indirect"]})
    out = article_view(text, mentions, atts).data
    assert _article_text(out) == "Lebanon's army, said Qusayr.\nOfficials said \"he left\"  early."
    assert "Lebanon 's" not in _text(out) and "Qusayr ," not in _text(out)
    tags = re.findall(r'<span class="newscope-tag[^"]*"[^>]*>([^<]*)</span>', out)
    assert tags == ["GPE", "SOURCE 1", "CUE 1", "GPE", "CONTENT 1"]
    # the GPE tag follows the whole word "Lebanon's", never splits it
    assert re.search(r"Lebanon</mark><mark[^>]*>'s</mark><span class=\"newscope-tag", out)


def test_article_view_nested_and_overlapping_spans():
    text = "Assad told AFP that Qusayr fell and Homs held."
    mentions = pd.DataFrame({"start": [text.index("Qusayr")], "end": [text.index("Qusayr") + 6],
                             "label": ["GPE"], "text": ["Qusayr"]})
    c1, c2 = text.index("Qusayr"), text.index("and")
    atts = pd.DataFrame({"source_start": [0, pd.NA], "source_end": [5, pd.NA], "cue_start": [6, pd.NA],
                         "cue_end": [10, pd.NA], "content_start": [c1, c1 + 7], "content_end": [c2, len(text) - 1],
                         "speaker": ["Assad", "?"], "cue_lemma": ["tell", None], "kind": ["indirect", "indirect"]})
    out = article_view(text, mentions, atts).data
    marks = {html_unescape(piece): (cls, title) for cls, title, piece in
             re.findall(r'<mark class="([^"]*)" title="([^"]*)"[^>]*>([^<]*)</mark>', out)}
    assert marks["Qusayr"] == ("newscope-hl newscope-content newscope-entity", "GPE, CONTENT 1")  # nested
    assert marks["fell "] == ("newscope-hl newscope-content", "CONTENT 1, CONTENT 2")  # overlap
    assert marks["and Homs held"] == ("newscope-hl newscope-content", "CONTENT 2")
    assert _article_text(out) == text


def test_article_view_has_no_displacy_markup():
    out = article_view("He said hi.", pd.DataFrame({"start": [0], "end": [2], "label": ["<i>X</i>"], "text": ["He"]}),
                       pd.DataFrame(columns=["source_start", "source_end", "cue_start", "cue_end", "content_start",
                                             "content_end", "speaker", "cue_lemma", "kind"])).data
    assert "position: absolute" not in out and 'class="spans"' not in out
    assert "&lt;i&gt;X&lt;/i&gt;" in out and "<i>" not in out


# --- the index -------------------------------------------------------------------------


def test_index_orders_figures_as_saved_and_lists_set_parameters(tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from newscope import provenance
    from newscope.figures import MANIFEST_NAME, save_figure

    monkeypatch.setattr(provenance, "git_info", lambda root=None: {"commit": "0" * 40, "dirty": False})
    data = pd.DataFrame({"x": [1]})
    for report, ids in {"b_report": ["zeta", "alpha", "mid"], "a_report": ["only"]}.items():
        for fig_id in ids:
            fig, _ = plt.subplots()
            save_figure(fig, fig_id, title=f"T {fig_id}", caption="c", data=data,
                        params={"top_n": 5, "track": ["Assad", "Hezbollah"], "start": None, "search": ""},
                        out_dir=tmp_path / "figures" / report)
    (tmp_path / "b_report.html").write_text("<title>B report</title>")
    # a hand-made manifest without order, params or provenance does not break the index
    hand = tmp_path / "figures" / "by_hand"
    hand.mkdir()
    (hand / MANIFEST_NAME).write_text(json.dumps({"figures": [
        {"id": "h", "title": "Hand", "caption": "", "files": {"png": {"path": "h.png", "sha256": ""}},
         "data": {"path": "h.csv", "sha256": ""}}]}))
    page = build_index(tmp_path, tmp_path / "index.html").read_text()
    ids = re.findall(r'id="fig-([^"]+)"', page)
    assert ids == ["a_report-only", "b_report-zeta", "b_report-alpha", "b_report-mid", "by_hand-h"]
    merged = json.loads((tmp_path / "figures" / MANIFEST_NAME).read_text())["figures"]
    assert [(e["report"], e["id"], e.get("order")) for e in merged] == [
        ("a_report", "only", 1), ("b_report", "zeta", 1), ("b_report", "alpha", 2), ("b_report", "mid", 3),
        ("by_hand", "h", None)]
    assert "Parameters {}" not in page and "None" not in page
    params = re.findall(r'<p class="newscope-params">(.*?)</p>', page)
    assert len(params) == 4  # none for the hand-made entry
    assert _text(params[0]) == "Parameters: top_n = 5 · track = Assad, Hezbollah"
    assert '<a href="b_report.html">B report</a>' in page
    assert 'href="figures/by_hand/h.csv"' in page


def test_dates_show_as_dates_and_times_as_times():
    table = pd.DataFrame({"date": pd.to_datetime(["2012-05-09", "2020-01-01"]),
                          "at": pd.to_datetime(["2012-05-09 13:45", "2020-01-01 00:00"])})
    page = str(safe_table(table).data)
    assert "2012-05-09</td>" in page and "2012-05-09 00:00:00" not in page
    assert "2012-05-09 13:45:00</td>" in page
