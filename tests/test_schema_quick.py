"""The quick schema test (``schemas.certainly_fits``) never passes what cerberus fails.

A run asks cerberus only about documents the quick test cannot pass, so a document the quick
test passes wrongly would lose its SCHEMA findings. Here the two are held together on every
document of the examples, the standard's policy pack and the test fixtures, and on thousands of
mutations of them (keys dropped, values retyped, nulled, emptied or renamed, unknown keys added,
ids and dates bent); and the quick test must pass the clean examples, or runs would gain nothing.
"""

from __future__ import annotations

import copy
import random
from pathlib import Path

import pytest

from im4cm_lint import config, schemas
from im4cm_lint.loader import load_data
from im4cm_lint.pack import load_pack_folder

REPO = Path(__file__).resolve().parent.parent


def _documents() -> list[tuple[str, dict, object]]:
    """(where, schema, body) of every im4cm document of a known kind in the repository."""
    found = []
    for path in sorted([*REPO.glob("examples/**/*.yaml"), *REPO.glob("tests/**/*.yaml"), *REPO.glob("policies/**/*.yaml")]):
        for document in load_data(path.read_bytes(), str(path)).documents:
            if document.kind in schemas.SCHEMAS and document.kind != "PolicyPack":
                found.append((f"{path.relative_to(REPO)}#{document.index}", schemas.SCHEMAS[document.kind], document.body))
    pack = load_pack_folder(REPO / "policies" / "im4cm-standard", []).pack
    found.append(("policies (merged pack)", schemas.SCHEMAS["PolicyPack"], pack.body))
    return found


DOCUMENTS = _documents()


def cerberus_says_it_fits(schema: dict, body) -> bool:
    return schemas._validator(schema).validate(body, normalize=False)


def test_the_clean_examples_take_the_quick_path():
    clean = [where for where, schema, body in DOCUMENTS
             if where.startswith(("examples/et-gambella", "examples/jo-irbid", "policies"))]
    assert len(clean) >= 10
    assert [where for where, schema, body in DOCUMENTS
            if where in clean and not schemas.certainly_fits(schema, body)] == []


def test_the_quick_test_agrees_with_cerberus_on_every_document():
    for where, schema, body in DOCUMENTS:
        if schemas.certainly_fits(schema, body):
            assert cerberus_says_it_fits(schema, body), where


# What a mutation may put in place of a value: each is wrong somewhere in the schemas.
REPLACEMENTS = [None, True, False, 0, -1, 1.5, "", "x", "Not An Id", "2024-13-40", "2024-W52-7", "abc\n",
                "a" * 3, [], ["x"], [None], {}, {"x": 1}, {"name": None}]


def _containers(node, out: list) -> list:
    if isinstance(node, dict):
        out.append(node)
        for value in node.values():
            _containers(value, out)
    elif isinstance(node, list):
        out.append(node)
        for value in node:
            _containers(value, out)
    return out


def _mutant(body, rng: random.Random):
    """A deep copy of ``body`` with one to three random edits."""
    tree = copy.deepcopy(to_plain(body))
    for _ in range(rng.randint(1, 3)):
        container = rng.choice(_containers(tree, []))
        if not container:
            continue
        key = rng.choice(list(container)) if isinstance(container, dict) else rng.randrange(len(container))
        action = rng.random()
        if action < 0.15 and isinstance(container, dict):
            del container[key]
        elif action < 0.25 and isinstance(container, dict):
            container[rng.choice(["extra", "Id", "name", "category", 7, True])] = rng.choice(REPLACEMENTS)
        elif action < 0.35 and isinstance(container[key], str):
            container[key] = container[key] + rng.choice(["\n", " ", "X", "@1", ""])
        elif action < 0.45 and isinstance(container, list):
            container.append(copy.deepcopy(rng.choice(REPLACEMENTS)))
        else:
            container[key] = copy.deepcopy(rng.choice(REPLACEMENTS))
    return tree


def to_plain(node):
    if isinstance(node, dict):
        return {k: to_plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [to_plain(v) for v in node]
    return node


@pytest.mark.parametrize("seed", range(4))
def test_the_quick_test_never_passes_a_mutant_cerberus_fails(seed):
    rng = random.Random(seed)
    outcomes = {True: 0, False: 0}
    for where, schema, body in DOCUMENTS:
        if where.startswith("policies"):
            continue  # a few thousand values: mutated below, less often
        for _ in range(40):
            mutant = _mutant(body, rng)
            quick = schemas.certainly_fits(schema, mutant)
            outcomes[quick] += 1
            if quick:
                assert cerberus_says_it_fits(schema, mutant), (where, mutant)
    assert outcomes[True] > 100 and outcomes[False] > 100  # both sides were exercised


def test_the_quick_test_never_passes_a_mutant_pack_cerberus_fails():
    rng = random.Random(7)
    (where, schema, body), = [d for d in DOCUMENTS if d[0] == "policies (merged pack)"]
    for _ in range(60):
        mutant = _mutant(body, rng)
        if schemas.certainly_fits(schema, mutant):
            assert cerberus_says_it_fits(schema, mutant)


@pytest.mark.parametrize("body", [
    {}, {"select": ["ROLE"], "ignore": "ROLE001"}, {"check-timeout": 0.05}, {"check-timeout": True},
    {"max-file-size": True}, {"max-file-size": 0}, {"thresholds": {"k": True}}, {"fail-on": "fatal"},
    {"waivers": [{"rule": "ROLE001", "document": "Bad Id", "path": "roles"}]},
    {"waivers": [{"rule": "ROLE001", "document": "dpisp", "path": "", "expires": "2026-02-30"}]},
    {"waivers": [{"rule": "ROLE001", "document": "dpisp", "path": "roles", "expires": "2026-02-28"}]},
    {"severity": {"ROLE001": "warning"}}, {"per-file-ignores": {"a.yaml": ["ROLE"]}}, {"exclude": [None]},
])
def test_the_quick_test_agrees_with_cerberus_on_configurations(body):
    if schemas.certainly_fits(config.CONFIG_SCHEMA, body):
        assert cerberus_says_it_fits(config.CONFIG_SCHEMA, body)
