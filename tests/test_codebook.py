"""The codebook: shipped content, phrase syntax, user extensions and clear errors."""

from __future__ import annotations

import re

import pytest

from analysis.codebook import load_codebook, phrase_to_regex
from analysis.data.schema import INDICATOR_OPTIONS, OPTIONS
from analysis.errors import InputError


def test_shipped_codebook_has_the_four_options_in_order():
    book = load_codebook()
    assert book.code_names == OPTIONS
    for code in book.codes.values():
        assert code.definition and code.decision_rules and code.include and code.examples
        assert len(code.terms) >= 20


def test_indicator_mapping_agrees_with_the_schema():
    assert load_codebook().indicator_options == INDICATOR_OPTIONS


def test_framing_states_the_two_questions_and_that_measurement_is_ours():
    framing = load_codebook().framing.lower()
    assert "can the situation be changed" in framing
    assert "this toolkit's own construction" in framing


@pytest.mark.parametrize(
    ("phrase", "text", "found"),
    [
        ("commercialis*", "we will commercialize leisure", True),
        ("organis*", "the organization", True),
        ("labour", "labor market", True),
        ("centre", "the community center closed", True),
        ("programme", "a savings program", True),
        ("cancelled", "the contract was canceled", True),
        ("co-produc*", "co\u2011production and coproduction", True),
        ("pool* budget*", "pooled\nbudgets", True),
        ("withdr* ~ from", "withdrew entirely from", True),
        ("withdr* ~ from", "withdrew from", True),
        ("lobby*", "hobbyist", False),
        ("exit*", "exiting", True),
        ("exit*", "nexit", False),
        ("*n't", "didn\u2019t", True),
    ],
)
def test_phrase_syntax(phrase, text, found):
    assert bool(re.search(phrase_to_regex(phrase), text)) is found


def test_user_codebook_extends_the_default(tmp_path):
    path = tmp_path / "mine.yml"
    path.write_text(
        "extends: default\n"
        "codes:\n"
        "  fight:\n"
        "    phrases:\n"
        "      - weight: 2\n"
        "        terms: [took to the streets]\n"
        "  innovate:\n"
        "    label: Innovate\n"
        "    definition: Trying something new.\n"
        "    phrases:\n"
        "      - weight: 1\n"
        "        terms: [pilot*, experiment*]\n",
        encoding="utf-8",
    )
    book = load_codebook(path)
    assert book.code_names == (*OPTIONS, "innovate")
    default_fight = len(load_codebook().codes["fight"].terms)
    assert len(book.codes["fight"].terms) == default_fight + 1
    assert [t.text for t in book.codes["innovate"].terms] == ["pilot*", "experiment*"]
    assert book.indicator_options == INDICATOR_OPTIONS


def test_user_codebook_can_replace_the_default(tmp_path):
    path = tmp_path / "own.yml"
    path.write_text("codes:\n  yes_code:\n    phrases:\n      - terms: [agreed]\n", encoding="utf-8")
    book = load_codebook(path)
    assert book.code_names == ("yes_code",)
    assert book.codes["yes_code"].terms[0].weight == 1.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("codes:\n  fight:\n    phrases:\n      - weight: -1\n        terms: [x]\n",
         r"own.yml, line 4: weight must be a positive number, got -1"),
        ("codes:\n  fight:\n    patterns:\n      - regex: '(unclosed'\n",
         r"own.yml, line 4: pattern '\(unclosed' is not a valid regular expression"),
        ("codes:\n  fight:\n    label: Fight\n    colour: red\n",
         r"own.yml, line 4: unknown field 'colour' in code 'fight'"),
        ("codes:\n  Fight Back:\n    label: x\n",
         r"own.yml, line 2: code name 'Fight Back' must be lower-case"),
        ("codes:\n  a:\n    phrases:\n      - terms: [x]\nindicators:\n  shared_services: b\n",
         r"own.yml, line 6: indicator 'shared_services' maps to unknown code 'b'"),
        ("codes:\n  a:\n    phrases:\n      - terms: [x]\nindicators:\n  shared_services: {option: a, colour: red}\n",
         r"own.yml, line 6: indicator 'shared_services' must be a code name or \{option: <code>, label: <words>\}"),
        ("codes:\n  a:\n    phrases:\n      - terms: [x]\nindicators:\n  shared_services: {option: b, label: S}\n",
         r"own.yml, line 6: indicator 'shared_services' maps to unknown code 'b'"),
        ("codes:\n  a:\n    phrases:\n  - terms: [x]\n   bad: indent\n",
         r"own.yml is not valid YAML \(line 4, column 3\)"),
        ("name: nothing\n", r"own.yml, line 1: no 'codes' section"),
    ],
)
def test_malformed_codebooks_name_the_line(tmp_path, text, message):
    path = tmp_path / "own.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_codebook(path)


def test_yaml_is_loaded_safely(tmp_path):
    path = tmp_path / "evil.yml"
    path.write_text("codes: !!python/object/apply:os.system ['echo hi']\n", encoding="utf-8")
    with pytest.raises(InputError, match="not valid YAML"):
        load_codebook(path)


def test_missing_codebook_file(tmp_path):
    with pytest.raises(InputError, match="not found"):
        load_codebook(tmp_path / "nope.yml")


def test_billion_laughs_codebook_is_refused_with_its_line(tmp_path):
    """A codebook whose aliases would expand to millions of items stops at the alias limit (issue 21)."""
    from analysis.codebook import load_codebook
    from analysis.errors import InputError

    rows = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for prev, name in zip("abcdefg", "bcdefgh", strict=True):
        rows.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    path = tmp_path / "codebook.yml"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"line \d+.*aliases"):
        load_codebook(path)


def test_indicator_labels_come_from_the_codebook(tmp_path):
    book = load_codebook()
    assert set(book.indicator_labels) == set(book.indicator_options)
    assert book.indicator_labels["public_opposition_statements"] == "Public statements of opposition"
    own = tmp_path / "own.yml"
    own.write_text("extends: default\nindicators:\n  pooled_budgets: {option: adapt, label: Money pooled}\n"
                   "  new_thing: exit\n", encoding="utf-8")
    book = load_codebook(own)
    assert book.indicator_options["pooled_budgets"] == "adapt"
    assert book.indicator_labels["pooled_budgets"] == "Money pooled"
    assert book.indicator_options["new_thing"] == "exit"
    assert "new_thing" not in book.indicator_labels  # the short form has no label of its own


def test_shipped_codebook_reads_the_same_with_the_fast_loader():
    # the shipped file is read with libyaml's safe loader (no limits needed for our own file);
    # it must give what the guarded pure-Python path gives, line numbers included
    from analysis.codebook import _default_text, _read_yaml

    text = _default_text()
    guarded_data, guarded_lines = _read_yaml(text, "shipped")
    fast_data, fast_lines = _read_yaml(text, "shipped", shipped=True)
    assert fast_data == guarded_data
    assert fast_lines.lines == guarded_lines.lines and len(fast_lines.lines) > 100
