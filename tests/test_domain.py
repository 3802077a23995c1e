"""One definition per domain fact, read alike by every family of checks, ``init`` and the
walkthrough: here, who is UNHCR (the party that declares ``unhcr_roles``, as the contract says)."""

from __future__ import annotations

import re

from conftest import lint, lint_json, write
from country_docs import DPISP

UNHCR_ONLY = {"unhcr_bip_focal_point", "unhcr_data_protection_focal_point"}  # roles the UNHCR party holds

UNMARKED = DPISP.replace("type: un_agency, unhcr_roles: [service_provider]}", "type: un_agency}")


def missing_roles(found: list[dict]) -> set[str]:
    return {re.search(r"\(([a-z_]+)\)", d["message"])[1] for d in found if d["rule"] == "ROLE001"}


def test_a_party_named_unhcr_without_capacities_is_not_taken_for_unhcr(repo):
    assert UNMARKED != DPISP
    write(repo, "dpisp.yaml", UNMARKED)
    found = lint_json("--select", "ROLE001,ANNEXC005", "--today", "2024-06-01", cwd=repo).json["diagnostics"]
    [annex] = [d for d in found if d["rule"] == "ANNEXC005"]
    assert annex["line"] == 14 and "party unhcr appears to be UNHCR but declares no `unhcr_roles`" in annex["message"]
    assert not missing_roles(found) & UNHCR_ONLY  # ROLE agrees: there is no UNHCR party to hold them
    out = lint("--explain", "dpisp.yaml", "--today", "2024-06-01", cwd=repo).out
    assert "- unhcr: un_agency\n" in out  # the walkthrough does not call it UNHCR either
    roles = out.split("3. Roles", 1)[1].split("4. Clauses", 1)[0]
    assert "(unhcr_bip_focal_point): MISSING" not in roles  # nor does it list the roles only UNHCR holds
    assert "(process_lead): MISSING" in roles


def test_the_unhcr_party_with_capacities_needs_the_unhcr_roles(repo):
    write(repo, "dpisp.yaml", DPISP)
    found = lint_json("--select", "ROLE001,ANNEXC005", "--today", "2024-06-01", cwd=repo).json["diagnostics"]
    assert missing_roles(found) >= UNHCR_ONLY
    assert "ANNEXC005" not in {d["rule"] for d in found}
    out = lint("--explain", "dpisp.yaml", "--today", "2024-06-01", cwd=repo).out
    assert "- unhcr: un_agency; UNHCR, as service_provider\n" in out
    assert "(unhcr_bip_focal_point): MISSING" in out.split("3. Roles", 1)[1].split("4. Clauses", 1)[0]
