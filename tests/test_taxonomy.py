"""``im4cm-lint taxonomy``: which system fields fall in each data category of the selected pack."""

from __future__ import annotations

import json

import yaml

from conftest import FIXTURES, REPO, lint, write

MINI = str(FIXTURES / "packs" / "mini-pack")


def test_json_crosswalk_of_a_small_pack(tmp_path):
    run = lint("taxonomy", "--format", "json", "--policy-pack", MINI, cwd=tmp_path)
    assert run.code == 0, run.err
    assert json.loads(run.out) == {"categories": [
        {"id": "identity.name", "sensitivity": "moderate", "description": "The child's names.",
         "fields": {"primero": ["name_first", "name_last"], "progres-v4": ["givenname"]}},
        {"id": "protection.concern.type", "sensitivity": "high", "description": "The type of protection concern.",
         "fields": {"primero": ["protection_concerns"], "progres-v4": []}},
        {"id": "aggregate.counts", "sensitivity": "low", "description": "Aggregate counts.",
         "fields": {"primero": [], "progres-v4": []}},
    ]}


def test_text_table_of_a_small_pack(tmp_path):
    run = lint("taxonomy", "--policy-pack", MINI, cwd=tmp_path)
    assert run.code == 0
    assert run.out == (
        "Data categories of mini-standard@2.0 and the system fields in each (3 categories; field maps: primero, "
        "progres-v4)\n"
        "\n"
        "CATEGORY                 SENSITIVITY  SYSTEM      FIELDS\n"
        "-----------------------  -----------  ----------  " + "-" * 50 + "\n"
        "identity.name            moderate     primero     name_first, name_last\n"
        "                                      progres-v4  givenname\n"
        "protection.concern.type  high         primero     protection_concerns\n"
        "                                      progres-v4  -\n"
        "aggregate.counts         low          primero     -\n"
        "                                      progres-v4  -\n")


def test_the_configuration_selects_the_pack(repo):
    write(repo, ".im4cm-lint.yaml", f"policy-pack: {MINI}\n")
    run = lint("taxonomy", "--format", "json", cwd=repo)
    assert [c["id"] for c in json.loads(run.out)["categories"]] == ["identity.name", "protection.concern.type",
                                                                    "aggregate.counts"]
    # the command line wins over the configuration
    standard = lint("taxonomy", "--format", "json", "--policy-pack", "im4cm-standard", cwd=repo)
    assert len(json.loads(standard.out)["categories"]) > 3


def test_standard_pack_crosswalk_covers_every_mapped_field_once():
    run = lint("taxonomy", "--format", "json")
    assert run.code == 0
    categories = json.loads(run.out)["categories"]
    maps = yaml.safe_load((REPO / "policies" / "im4cm-standard" / "field-maps.yaml").read_text())["field_maps"]
    taxonomy = yaml.safe_load((REPO / "policies" / "im4cm-standard" / "taxonomy.yaml").read_text())["categories"]
    assert [c["id"] for c in categories] == [c["id"] for c in taxonomy]
    for name, mapping in maps.items():
        listed = [(field, c["id"]) for c in categories for field in c["fields"][name]]
        assert sorted(listed) == sorted(mapping.items()), name
    name_fields = next(c for c in categories if c["id"] == "identity.name")["fields"]
    assert "name_first" in name_fields["primero"] and set(name_fields) == set(maps)


def test_unknown_pack_or_bad_configuration_exits_2_without_a_traceback(repo):
    run = lint("taxonomy", "--policy-pack", "no-such-pack", cwd=repo)
    assert run.code == 2 and run.out == ""
    assert "CONFIG003" in run.err and "policy pack 'no-such-pack' not found" in run.err
    write(repo, ".im4cm-lint.yaml", "policy-pack: [not, text]\n")
    run = lint("taxonomy", cwd=repo)
    assert run.code == 2 and "CONFIG001" in run.err
