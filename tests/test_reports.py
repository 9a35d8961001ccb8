"""HTML reports: executed offline-viewable notebooks, escaping of article text, the index."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from newscope.reports import (
    ReportError,
    article_view,
    build_index,
    clean_html,
    render_html,
    run_report,
    safe_table,
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
from newscope.reports import article_view, safe_table
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
    assert {p.name for p in figures.iterdir()} == {
        "entity-top.pdf", "entity-top.svg", "entity-top.png", "entity-top.csv", "figures.json"}
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
    cells = re.findall(r"<td>([^<]*)</td>", safe_table(df).data)
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
    assert out.count('class="spans"') == 2  # one block per paragraph


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
    assert "z-index" in css_properties(view)
