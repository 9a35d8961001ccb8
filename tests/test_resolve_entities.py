"""Corpus-level entity resolution (newscope.resolve.entities) and the alias tables it applies."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from newscope.config import ConfigError
from newscope.entities import entity_id, load_aliases
from newscope.resolve.entities import resolve_entities


def rows(article: str, *mentions: tuple[str, str, str]) -> list[dict]:
    """Mention rows of one article: ``(text, key, label)``."""
    return [{"article_id": article, "start": 10 * i, "end": 10 * i + len(t), "text": t, "label": lab,
             "sentence": 0, "paragraph": 0, "key": k} for i, (t, k, lab) in enumerate(mentions)]


def test_same_name_across_articles_is_one_entity_with_stable_id():
    a = rows("a1", ("Bashar al-Assad", "Bashar al-Assad", "PERSON"), ("Assad", "Bashar al-Assad", "PERSON"))
    b = rows("a2", ("Bashar Al-Assad", "Bashar Al-Assad", "PERSON"), ("Syria", "Syria", "GPE"))
    c = rows("a3", ("bashar al-assad", "bashar al-assad", "ORG"))
    m, e = resolve_entities(pd.DataFrame(a + b + c))
    assad = e[e["name"] == "Bashar al-Assad"].iloc[0]
    assert (assad["n_mentions"], assad["n_articles"], assad["label"]) == (4, 3, "PERSON")
    assert assad["entity_id"] == entity_id("Bashar al-Assad", "PERSON") == "person-bashar-al-assad"
    assert set(assad["aliases"]) == {"Assad", "Bashar Al-Assad", "bashar al-assad"}
    # the id does not depend on the other articles or the row order
    m2, e2 = resolve_entities(pd.DataFrame(c + a))
    assert set(m2.loc[m2["text"] == "Assad", "entity_id"]) == {"person-bashar-al-assad"}


def test_person_names_differing_only_in_particles_are_one():
    full = ("Bashar al-Assad", "Bashar al-Assad", "PERSON")
    m, e = resolve_entities(pd.DataFrame(
        rows("a", full) + rows("b", full)
        + rows("c", ("Bashar Assad", "Bashar Assad", "PERSON"), ("Ben Carson", "Ben Carson", "PERSON"))
        + rows("d", ("Carson", "Carson", "PERSON"))))
    assert set(m.loc[m["text"].str.startswith("Bashar"), "entity_id"]) == {"person-bashar-al-assad"}
    assert set(e["name"]) == {"Bashar al-Assad", "Ben Carson", "Carson"}  # a first name is not a particle


def test_person_names_differing_only_in_the_spaces_between_initials_are_one():
    m, e = resolve_entities(pd.DataFrame(
        _person("George H.W. Bush", 3, "a") + _person("George H. W. Bush", 1, "b")
        + _person("George W. Bush", 2, "c") + _person("J. R. R. Tolkien", 1, "d") + _person("J.R.R. Tolkien", 1, "e")))
    assert set(e["name"]) == {"George H.W. Bush", "George W. Bush", "J. R. R. Tolkien"}
    assert e.set_index("name").loc["George H.W. Bush", "n_articles"] == 4


def _person(name: str, n: int, prefix: str) -> list[dict]:
    return [r for i in range(n) for r in rows(f"{prefix}{i}", (name, name, "PERSON"))]


def test_middle_initials_middle_names_and_nicknames_join_the_common_name():
    m, e = resolve_entities(pd.DataFrame(
        _person("Donald Trump", 6, "dt") + _person("Donald J. Trump", 2, "dj")
        + _person("Hillary Clinton", 10, "hc") + _person("Hillary Rodham Clinton", 1, "hr")
        + _person("Bernie Sanders", 3, "bs") + _person("Bernard Sanders", 1, "bd")
        + _person("Joe Biden", 4, "jb") + _person("Joseph Biden", 1, "jo")))
    assert set(e["name"]) == {"Donald Trump", "Hillary Clinton", "Bernie Sanders", "Joe Biden"}
    assert e.set_index("name").loc["Donald Trump", "n_articles"] == 8


def test_name_variants_that_could_be_someone_else_stay_apart():
    m, e = resolve_entities(pd.DataFrame(
        _person("George Bush", 9, "gb") + _person("George W. Bush", 2, "gw") + _person("George H.W. Bush", 2, "gh")
        + _person("Donald Trump", 6, "dt") + _person("Donald Trump Jr.", 2, "jr")
        + _person("John Kennedy", 4, "jk") + _person("John F. Kennedy", 2, "jf")  # not three times as many
        + _person("Bill Clinton", 3, "bc") + _person("Hillary Clinton", 3, "hc")
        + _person("John Edwards", 7, "je") + _person("John Bel Edwards", 1, "jbe")))  # a middle name: 10x needed
    assert {"George W. Bush", "George H.W. Bush", "Donald Trump Jr.", "John F. Kennedy", "Bill Clinton",
            "John Bel Edwards"} <= set(e["name"])


def test_builtin_table_joins_ap_state_abbreviations_and_common_bodies():
    m, e = resolve_entities(pd.DataFrame(
        rows("a", ("Calif.", "Calif.", "GPE"), ("California", "California", "GPE"), ("N.C.", "N.C.", "GPE"))
        + rows("b", ("House", "House", "ORG"), ("Fox News Channel", "Fox News Channel", "ORG"), ("D.C.", "D.C.", "GPE"))))
    assert set(e["name"]) == {"California", "North Carolina", "House of Representatives", "Fox News",
                              "District of Columbia"}
    m, e = resolve_entities(pd.DataFrame(rows("a", ("Obamacare", "Obamacare", "ORG"), ("ACA", "ACA", "ORG"))))
    assert e[["name", "label"]].values.tolist() == [["Affordable Care Act", "LAW"]]


def test_plural_group_names_join_the_singular():
    m, e = resolve_entities(pd.DataFrame(
        rows("a", ("Republicans", "Republicans", "NORP"), ("Americans", "Americans", "NORP"))
        + rows("b", ("Republican", "Republican", "NORP"), ("Republicans", "Republicans", "NORP"),
               ("Texas", "Texas", "GPE"), ("Texa", "Texa", "NORP"))))
    assert set(m.loc[m["text"].str.startswith("Republican"), "entity_id"]) == {"norp-republicans"}
    assert m.loc[m["text"] == "Americans", "entity_id"].item() == "norp-americans"  # no singular seen
    assert m.loc[m["text"] == "Texas", "entity_id"].item() == "gpe-texas"  # places are not groups


def test_builtin_aliases_merge_wire_agencies():
    m, e = resolve_entities(pd.DataFrame(rows("a1", ("AFP", "AFP", "ORG")) + rows("a2", ("U.N.", "U.N.", "ORG"))
                                         + rows("a3", ("Agence France-Presse", "Agence France-Presse", "ORG"))))
    assert set(e["name"]) == {"Agence France-Presse", "United Nations"}
    assert e.set_index("name").loc["Agence France-Presse", "n_articles"] == 2
    m, e = resolve_entities(pd.DataFrame(rows("a1", ("Twitter", "Twitter", "PERSON"))))
    assert e["entity_id"].tolist() == ["org-twitter"] and m["label"].tolist() == ["ORG"]
    m, e = resolve_entities(pd.DataFrame(rows("a1", ("ABC News", "ABC News", "ORG"), ("NBC News", "NBC News", "ORG"))
                                         + rows("a2", ("ABC", "ABC", "ORG"), ("NBC", "NBC", "ORG"))))
    assert e[["name", "n_articles"]].values.tolist() == [["ABC", 2], ["NBC", 2]]  # a network and its news division


def test_unlinked_short_form_follows_consistent_corpus_link():
    linked = [rows(f"a{i}", ("Hillary Clinton", "Hillary Clinton", "PERSON"), ("Clinton", "Hillary Clinton", "PERSON"))
              for i in range(3)]
    alone = rows("b", ("Clinton", "Clinton", "PERSON"))
    m, _ = resolve_entities(pd.DataFrame(sum(linked, []) + alone))
    assert m.loc[m["article_id"] == "b", "entity_id"].item() == "person-hillary-clinton"
    # one linking article is not enough evidence
    m, _ = resolve_entities(pd.DataFrame(linked[0] + alone))
    assert m.loc[m["article_id"] == "b", "entity_id"].item() == "person-clinton"
    # nor are links that disagree
    other = [rows(f"c{i}", ("Bill Clinton", "Bill Clinton", "PERSON"), ("Clinton", "Bill Clinton", "PERSON"))
             for i in range(2)]
    m, _ = resolve_entities(pd.DataFrame(sum(linked, []) + sum(other, []) + alone))
    assert m.loc[m["article_id"] == "b", "entity_id"].item() == "person-clinton"


def test_mislabelled_surname_follows_a_person_it_is_mostly_linked_to():
    linked = [rows(f"a{i}", ("Donald Trump", "Donald Trump", "PERSON"), ("Trump", "Donald Trump", "PERSON"),
                   ("Jim Jordan", "Jim Jordan", "PERSON"), ("Jordan", "Jim Jordan", "PERSON")) for i in range(3)]
    alone = rows("b", ("Trump", "Trump", "ORG"), ("Jordan", "Jordan", "GPE"))
    countries = [rows(f"c{i}", ("Jordan", "Jordan", "GPE")) for i in range(4)]  # alone in more articles
    bare = [rows(f"p{i}", ("Trump", "Trump", "PERSON")) for i in range(4)]  # alone as a person: no evidence against
    m, e = resolve_entities(pd.DataFrame(sum(linked, []) + alone + sum(countries, []) + sum(bare, [])))
    b = m[m["article_id"] == "b"].set_index("text")
    assert (b.loc["Trump", "entity_id"], b.loc["Trump", "label"]) == ("person-donald-trump", "PERSON")
    assert b.loc["Jordan", "entity_id"] == "gpe-jordan"
    assert e.set_index("name").loc["Donald Trump", "label"] == "PERSON"


def test_well_known_name_is_not_merged_into_a_rare_longer_one():
    fed = [rows(f"f{i}", ("Fed", "Fed", "ORG")) for i in range(10)]
    dallas = rows("d", ("Dallas Fed", "Dallas Fed", "ORG"), ("Fed", "Dallas Fed", "ORG"))
    guard = rows("g", ("Syrian Observatory", "Syrian Observatory", "ORG"), ("Observatory", "Syrian Observatory", "ORG"))
    m, _ = resolve_entities(pd.DataFrame(sum(fed, []) + dallas + guard))
    d = m[m["article_id"].isin(["d", "g"])].set_index("text")["entity_id"]
    assert (d["Fed"], d["Dallas Fed"]) == ("org-federal-reserve", "org-dallas-fed")  # built-in alias
    assert d["Observatory"] == "org-syrian-observatory"  # a head not known on its own keeps its link
    # five articles naming it alone are enough ("Walmart" is not the workers' group "OUR Walmart")
    shops = [rows(f"w{i}", ("Walmart", "Walmart", "ORG")) for i in range(5)]
    ours = rows("o", ("OUR Walmart", "OUR Walmart", "ORG"), ("Walmart", "OUR Walmart", "ORG"))
    m, _ = resolve_entities(pd.DataFrame(sum(shops, []) + ours))
    assert m.loc[m["article_id"] == "o", "entity_id"].tolist() == ["org-our-walmart", "org-walmart"]


def test_well_known_surname_is_not_merged_into_a_name_with_a_word_glued_on():
    known = [rows(f"k{i}", ("Barack Obama", "Barack Obama", "PERSON"), ("Obama", "Barack Obama", "PERSON"))
             for i in range(3)] + [rows(f"o{i}", ("Obama", "Obama", "PERSON"), ("Ford", "Ford", "PERSON"))
                                   for i in range(10)]
    glued = rows("g", ("Longtime Obama", "Longtime Obama", "PERSON"), ("Obama", "Longtime Obama", "PERSON"),
                 ("Christine Ford", "Christine Ford", "PERSON"), ("Ford", "Christine Ford", "PERSON"))
    m, _ = resolve_entities(pd.DataFrame(sum(known, []) + glued))
    g = m[m["article_id"] == "g"].set_index("text")["entity_id"]
    assert g["Obama"] == "person-barack-obama"  # unlinked, it follows its corpus-wide link
    assert g["Ford"] == "person-christine-ford"  # a first name before it: the article's link stands


def test_group_name_is_not_merged_into_a_longer_name_an_article_linked_it_to():
    groups = [rows(f"g{i}", ("Republicans", "Republicans", "NORP"), ("Jordan", "Jordan", "GPE"),
                   ("French", "French", "NORP")) for i in range(10)]
    club = rows("c", ("Republicans", "Log Cabin Republicans", "PERSON"),
                ("Log Cabin Republicans", "Log Cabin Republicans", "PERSON"),
                ("Jordan", "Jim Jordan", "PERSON"), ("Jim Jordan", "Jim Jordan", "PERSON"),
                ("French", "David French", "PERSON"), ("David French", "David French", "PERSON"))
    m, _ = resolve_entities(pd.DataFrame(sum(groups, []) + club))
    c = m[m["article_id"] == "c"].set_index("text")["entity_id"]
    assert c["Republicans"] == "norp-republicans"
    assert c["Jordan"] == "person-jim-jordan"  # a place name, not a group: the article's link stands
    assert c["French"] == "person-david-french"  # the surname of a person's name
    # a group name in too few articles alone keeps the article's link
    m, _ = resolve_entities(pd.DataFrame(sum(groups[:9], []) + club))
    assert m.set_index(["article_id", "text"]).loc[("c", "Republicans"), "entity_id"] == "person-log-cabin-republicans"


def test_first_names_do_not_follow_corpus_links():
    linked = [rows(f"a{i}", ("Charlie Sykes", "Charlie Sykes", "PERSON"), ("Charlie", "Charlie Sykes", "PERSON"))
              for i in range(3)]
    m, _ = resolve_entities(pd.DataFrame(sum(linked, []) + rows("b", ("Charlie", "Charlie", "PERSON"))))
    assert m.loc[m["article_id"] == "b", "entity_id"].item() == "person-charlie"


def test_first_name_follows_the_one_person_it_names_in_a_few_articles():
    def linked(first: str, full: str, n: int, prefix: str) -> list[dict]:
        return sum([rows(f"{prefix}{i}", (full, full, "PERSON"), (first, full, "PERSON")) for i in range(n)], [])

    alone = rows("b", ("Bernie", "Bernie", "PERSON"), ("Bill", "Bill", "PERSON"))
    others = sum([rows(f"o{i}", ("Bill de Blasio", "Bill de Blasio", "PERSON")) for i in range(4)], [])
    m, _ = resolve_entities(pd.DataFrame(linked("Bernie", "Bernie Sanders", 5, "s") + linked("Bill", "Bill Clinton", 5, "c")
                                         + others + alone))
    b = m[m["article_id"] == "b"].set_index("text")["entity_id"]
    assert b["Bernie"] == "person-bernie-sanders"
    assert b["Bill"] == "person-bill"  # Bill de Blasio is named in 4 of the 9 articles with a Bill
    # linked in ten articles, a first name follows whoever else has it ("Kim": Kim Jong Un, Kim Davis)
    m, _ = resolve_entities(pd.DataFrame(linked("Bill", "Bill Clinton", 10, "c") + others + alone))
    assert m.set_index(["article_id", "text"]).loc[("b", "Bill"), "entity_id"] == "person-bill-clinton"


def test_person_names_with_junk_words_merge_into_the_name_they_contain():
    full = sum([rows(f"a{i}", ("Nancy Pelosi", "Nancy Pelosi", "PERSON"), ("Donald Trump", "Donald Trump", "PERSON"),
                     ("Martin Luther King", "Martin Luther King", "PERSON")) for i in range(3)], [])
    junk = rows("b", ("House Nancy Pelosi", "House Nancy Pelosi", "PERSON"), ("Pelosi", "House Nancy Pelosi", "PERSON"),
                ("Add Donald Trump", "Add Donald Trump", "PERSON"), ("Donald Trump Jr.", "Donald Trump Jr.", "PERSON"),
                ("Martin Luther King Day", "Martin Luther King Day", "PERSON"))
    m, _ = resolve_entities(pd.DataFrame(full + junk))
    ids = dict(zip(m.loc[m["article_id"] == "b", "text"], m.loc[m["article_id"] == "b", "entity_id"]))
    assert ids["House Nancy Pelosi"] == ids["Pelosi"] == "person-nancy-pelosi"
    assert ids["Add Donald Trump"] == "person-donald-trump"
    assert ids["Donald Trump Jr."] == "person-donald-trump-jr"
    assert ids["Martin Luther King Day"] == "person-martin-luther-king-day"


def test_two_names_run_together_and_a_longer_surname_stay_apart():
    # "Bernie Sanders Hillary Clinton" (two people glued by NER) and "Elizabeth Ann Seton"
    # (a saint, not the "Elizabeth Ann" of a name box) keep their own entities
    common = sum([rows(f"a{i}", ("Hillary Clinton", "Hillary Clinton", "PERSON"),
                       ("Elizabeth Ann", "Elizabeth Ann", "PERSON")) for i in range(6)], [])
    sanders = sum([rows(f"s{i}", ("Bernie Sanders", "Bernie Sanders", "PERSON")) for i in range(2)], [])
    odd = rows("b", ("Bernie Sanders Hillary Clinton", "Bernie Sanders Hillary Clinton", "PERSON"),
               ("Elizabeth Ann Seton", "Elizabeth Ann Seton", "PERSON"))
    m, _ = resolve_entities(pd.DataFrame(common + sanders + odd))
    ids = dict(zip(m.loc[m["article_id"] == "b", "text"], m.loc[m["article_id"] == "b", "entity_id"]))
    assert ids == {"Bernie Sanders Hillary Clinton": "person-bernie-sanders-hillary-clinton",
                   "Elizabeth Ann Seton": "person-elizabeth-ann-seton"}
    # the article's mentions linked to the run-together name go to the one name they are part of
    glued = rows("c", ("Hillary Clinton", "Bernie Sanders-Hillary Clinton", "PERSON"),
                 ("Clinton", "Bernie Sanders-Hillary Clinton", "PERSON"),
                 ("Bernie Sanders-Hillary Clinton", "Bernie Sanders-Hillary Clinton", "PERSON"))
    m, _ = resolve_entities(pd.DataFrame(common + sanders + glued))
    ids = dict(zip(m.loc[m["article_id"] == "c", "text"], m.loc[m["article_id"] == "c", "entity_id"]))
    assert ids == {"Hillary Clinton": "person-hillary-clinton", "Clinton": "person-hillary-clinton",
                   "Bernie Sanders-Hillary Clinton": "person-bernie-sanders-hillary-clinton"}


def test_nickname_span_goes_to_the_clearly_commoner_name_it_contains():
    # "Crooked Hillary Clinton" holds two names, "Crooked Hillary" (rare) and "Hillary Clinton"
    # (common): its article's "Hillary Clinton" must not drag every other one into the nickname
    common = sum([rows(f"a{i}", ("Hillary Clinton", "Hillary Clinton", "PERSON")) for i in range(10)], [])
    nick = sum([rows(f"n{i}", ("Crooked Hillary", "Crooked Hillary", "PERSON")) for i in range(4)], [])
    both = sum([rows(f"b{i}", ("Crooked Hillary Clinton", "Crooked Hillary Clinton", "PERSON"),
                     ("Hillary Clinton", "Crooked Hillary Clinton", "PERSON")) for i in range(2)], [])
    m, e = resolve_entities(pd.DataFrame(common + nick + both))
    clinton = m.loc[m["text"].str.contains("Clinton"), "entity_id"]
    assert set(clinton) == {"person-hillary-clinton"}
    assert e.set_index("entity_id").loc["person-hillary-clinton", "n_articles"] == 12


def test_time_zones_are_no_entities():
    data = pd.DataFrame(rows("a1", ("UTC", "UTC", "ORG"), ("GMT", "GMT", "ORG"), ("Reuters", "Reuters", "ORG")))
    m, e = resolve_entities(data)
    assert set(e["name"]) == {"Reuters"}


def test_user_alias_table_merges_splits_ignores_and_relabels(tmp_path):
    table = tmp_path / "aliases.yaml"
    table.write_text("merge:\n  Donald Trump: [The Donald]\nsplit: [Assad, AFP]\nignore: [Rappler.com]\n"
                     "labels:\n  Qusayr: GPE\n")
    data = pd.DataFrame(
        rows("a1", ("Bashar al-Assad", "Bashar al-Assad", "PERSON"), ("Assad", "Bashar al-Assad", "PERSON"),
             ("The Donald", "The Donald", "PERSON"), ("Donald Trump", "Donald Trump", "PERSON"),
             ("Rappler.com", "Rappler.com", "ORG"), ("Qusayr", "Qusayr", "FAC"), ("AFP", "AFP", "ORG"))
    )
    m, e = resolve_entities(data, table)
    ids = dict(zip(m["text"], m["entity_id"]))
    assert ids["The Donald"] == ids["Donald Trump"] == "person-donald-trump"
    assert ids["Assad"] == "person-assad" != ids["Bashar al-Assad"]
    assert ids["AFP"] == "org-afp"  # split overrides the built-in merge
    assert "Rappler.com" not in ids and "Rappler.com" not in set(e["name"])
    assert ids["Qusayr"] == "gpe-qusayr"
    assert len(m) == len(data) - 1


@pytest.mark.parametrize("content, message", [
    ("merge: [a, b]", "'merge' must map"),
    ("merge:\n  A: [X]\n  B: [X]", "'X' is listed under both"),
    ("aliases: {}", "unknown section"),
    ("merge: {A: [1]}", "expected a name or a list"),
    ("merge: [", "not valid YAML"),
    ("related: [Syria]", "'related' must map"),
])
def test_bad_alias_table_names_the_file(tmp_path, content, message):
    path = tmp_path / "my-aliases.yaml"
    path.write_text(content)
    with pytest.raises(ConfigError, match=re.escape(message)) as err:
        load_aliases(path)
    assert "my-aliases.yaml" in str(err.value)
    with pytest.raises(ConfigError, match="does not exist"):
        load_aliases(tmp_path / "missing.yaml")


def test_empty_mentions_give_empty_tables():
    m, e = resolve_entities(pd.DataFrame(columns=["article_id", "start", "end", "text", "label", "sentence",
                                                  "paragraph", "key"]))
    assert m.empty and e.empty and "entity_id" in m and list(e.columns)[:3] == ["entity_id", "name", "label"]


def test_alias_pair_script_draws_merged_pairs_with_context(tmp_path):
    import subprocess
    import sys

    from newscope.config import PROJ_ROOT

    text = "Bashar al-Assad spoke in Damascus. Assad left."
    pd.DataFrame({"article_id": ["a"], "text": [text]}).to_parquet(tmp_path / "articles.parquet")
    pd.DataFrame(rows("a", ("Bashar al-Assad", "Bashar al-Assad", "PERSON"), ("Damascus", "Damascus", "GPE"),
                      ("Assad", "Bashar al-Assad", "PERSON"))).to_parquet(tmp_path / "mentions.parquet")
    done = subprocess.run([sys.executable, str(PROJ_ROOT / "scripts" / "draw_alias_pairs.py"), str(tmp_path),
                           "-o", str(tmp_path / "pairs.txt")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "1 distinct merged pairs" in done.stdout
    assert (tmp_path / "pairs.txt").read_text().startswith("#1: 'Assad' -> 'Bashar al-Assad' (label PERSON, 1 mentions)")


def test_middle_initials_that_fit_one_person_and_nicknames_with_middles_join_the_common_name():
    m, e = resolve_entities(pd.DataFrame(
        _person("Donald Trump", 12, "dt") + _person("Donald J. Trump", 3, "dj") + _person("Donald John Trump", 1, "dn")
        + _person("Joe Biden", 9, "jb") + _person("Joseph R. Biden", 3, "jr")
        + _person("Paul Ryan", 9, "pr") + _person("Paul D. Ryan", 1, "pd") + _person("Paul W. Ryan", 1, "pw")))
    assert {"Donald Trump", "Joe Biden"} <= set(e["name"])
    assert not {"Donald J. Trump", "Donald John Trump", "Joseph R. Biden"} & set(e["name"])
    assert {"Paul D. Ryan", "Paul W. Ryan"} <= set(e["name"])  # two middles: two people may be meant


def test_an_acronym_of_the_alias_table_means_what_the_table_says():
    m, e = resolve_entities(pd.DataFrame(
        rows("a", ("Committee for Daily Coffee", "Committee for Daily Coffee", "ORG"),
             ("CDC", "Committee for Daily Coffee", "ORG"))
        + rows("b", ("Syrian National Council", "Syrian National Council", "ORG"), ("SNC", "Syrian National Council", "ORG"))))
    ids = dict(zip(m["text"], m["entity_id"]))
    assert ids["CDC"] == "org-centers-for-disease-control-and-prevention"
    assert ids["Committee for Daily Coffee"] == "org-committee-for-daily-coffee"
    assert ids["SNC"] == ids["Syrian National Council"]  # an acronym the table does not know keeps its link


def test_one_label_per_entity_for_all_its_mentions_and_people_named_like_people_are_persons():
    m, e = resolve_entities(pd.DataFrame(
        rows("a", ("Kathleen Sebelius", "Kathleen Sebelius", "ORG"), ("Hezbollah", "Hezbollah", "ORG"))
        + rows("b", ("Kathleen Sebelius", "Kathleen Sebelius", "ORG"), ("Hezbollah", "Hezbollah", "PERSON"))
        + rows("c", ("Kathleen Sebelius", "Kathleen Sebelius", "PERSON"), ("Hezbollah", "Hezbollah", "ORG"))
        + rows("d", ("Gracie Mansion", "Gracie Mansion", "FAC"), ("Gracie Mansion", "Gracie Mansion", "PERSON"))
        + rows("e", ("COVID-19", "COVID-19", "ORG"), ("COVID", "COVID", "PERSON"))))
    labels = e.set_index("name")["label"]
    assert labels["Kathleen Sebelius"] == "PERSON"  # a clear first name and a third of the votes
    assert labels["Hezbollah"] == "ORG" and labels["Gracie Mansion"] == "FAC"  # no first name: the majority
    assert labels["COVID-19"] == "EVENT"  # the built-in table's label
    assert (m.groupby("entity_id")["label"].nunique() == 1).all()
    assert set(m.loc[m["text"] == "Hezbollah", "label"]) == {"ORG"}


def test_party_members_are_one_group_related_to_the_party_and_countries_to_their_demonyms():
    m, e = resolve_entities(pd.DataFrame(
        rows("a", ("Democrats", "Democrats", "NORP"), ("Democratic", "Democratic", "NORP"),
             ("Democratic Party", "Democratic Party", "ORG"))
        + rows("b", ("Syria", "Syria", "GPE"), ("Syrians", "Syrians", "NORP"), ("Syrian", "Syrian", "NORP"),
               ("Russia", "Russia", "GPE"))))
    ids = dict(zip(m["text"], m["entity_id"]))
    assert ids["Democrats"] == ids["Democratic"] != ids["Democratic Party"]
    assert ids["Syrians"] == ids["Syrian"] != ids["Syria"]
    related = e.set_index("entity_id")["related"]
    assert related[ids["Syria"]] == [ids["Syrian"]] and related[ids["Syrian"]] == [ids["Syria"]]
    assert related[ids["Democratic Party"]] == [ids["Democrats"]]
    assert related[ids["Russia"]] == []  # no "Russian" in this corpus


def test_user_alias_table_adds_related_names(tmp_path):
    table = tmp_path / "aliases.yaml"
    table.write_text("related:\n  Hezbollah: [Hassan Nasrallah]\n")
    m, e = resolve_entities(pd.DataFrame(rows("a", ("Hezbollah", "Hezbollah", "ORG"),
                                              ("Hassan Nasrallah", "Hassan Nasrallah", "PERSON"))), table)
    assert e.set_index("name").loc["Hezbollah", "related"] == ["person-hassan-nasrallah"]


def test_a_first_word_that_is_no_first_name_is_cut_with_less_evidence():
    m, e = resolve_entities(pd.DataFrame(
        rows("a", ("Which Jane Roe", "Which Jane Roe", "PERSON"), ("Roe", "Which Jane Roe", "PERSON"))
        + rows("b", ("Jane Roe", "Jane Roe", "PERSON"))
        + rows("c", ("Sarah Huckabee Sanders", "Sarah Huckabee Sanders", "PERSON"))
        + rows("d", ("Huckabee Sanders", "Huckabee Sanders", "PERSON"))))
    ids = dict(zip(m["text"], m["entity_id"]))
    assert ids["Which Jane Roe"] == ids["Roe"] == ids["Jane Roe"] == "person-jane-roe"
    assert ids["Sarah Huckabee Sanders"] == "person-sarah-huckabee-sanders"  # "Sarah" is a first name


def test_a_first_name_follows_a_strong_corpus_link():
    hillary = [rows(f"h{i}", ("Hillary Clinton", "Hillary Clinton", "PERSON"), ("Hillary", "Hillary Clinton", "PERSON"))
               for i in range(10)]
    robert = [rows(f"r{i}", (f"Robert {s}", f"Robert {s}", "PERSON"), ("Robert", f"Robert {s}", "PERSON"))
              for i, s in enumerate(["Mueller"] * 8 + ["Reich"] * 3)]
    alone = rows("b", ("Hillary", "Hillary", "PERSON"), ("Robert", "Robert", "PERSON"))
    m, _ = resolve_entities(pd.DataFrame(sum(hillary + robert, []) + alone))
    b = m[m["article_id"] == "b"].set_index("text")["entity_id"]
    assert (b["Hillary"], b["Robert"]) == ("person-hillary-clinton", "person-robert")
    m, _ = resolve_entities(pd.DataFrame(sum(hillary[:4], []) + alone))  # four articles are not enough
    assert m.loc[(m["article_id"] == "b") & (m["text"] == "Hillary"), "entity_id"].item() == "person-hillary"


def test_a_rare_stray_middle_blocks_no_merge():
    m, e = resolve_entities(pd.DataFrame(
        _person("Donald Trump", 12, "dt") + _person("Donald J. Trump", 3, "dj") + _person("Donald Trump Trump", 1, "tt")
        + _person("George Bush", 9, "gb") + _person("George W. Bush", 2, "gw") + _person("George H.W. Bush", 2, "gh")))
    assert "Donald J. Trump" not in set(e["name"])
    assert {"George W. Bush", "George H.W. Bush"} <= set(e["name"])
