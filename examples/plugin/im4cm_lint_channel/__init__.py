"""Example im4cm-lint plugin: every sharing rule names the channel its data travels through."""

from __future__ import annotations

from im4cm_lint import Rule, hookimpl
from im4cm_lint.yamltree import locate


class SharingRuleWithoutChannel(Rule):
    """
    ## What it checks
    Every sharing rule of a DPISP says through which channel the data travels (`channel:`), for
    example `progres-interop` or `encrypted-email`.

    ## Why it matters
    The security of data in transit can only be reviewed when the channel is known: case details
    sent as e-mail attachments or over messaging apps are a common cause of breaches.
    Source: UNHCR Data Protection Policy (2015) §4.2, security of personal data.

    ## Example
    ```yaml
    sharing:
      - {id: sc-to-unhcr-bip, from: sc, to: unhcr, purpose: bip.referral, basis: consent,
         categories: [identity.name]}
    ```
    Fixed:
    ```yaml
    sharing:
      - {id: sc-to-unhcr-bip, from: sc, to: unhcr, purpose: bip.referral, basis: consent,
         categories: [identity.name], channel: progres-interop}
    ```

    ## How to fix
    Add `channel:` to the sharing rule, naming the agreed, secured channel.
    """

    id = "CHAN001"
    name = "sharing-rule-without-channel"
    summary = "A sharing rule does not name its channel"
    severity = "warning"
    scope = "protocol"  # its findings on a DPISP depend on that DPISP alone (see Rule.scope)

    def check(self, project, pack):
        for dpisp in project.dpisps.values():
            for rule in dpisp.sharing_rules.values():
                if not rule.get("channel"):
                    yield self.finding(
                        locate(rule, "channel"),
                        f"sharing rule '{rule['id']}' does not say through which channel the data travels; "
                        "add 'channel:' (for example progres-interop or encrypted-email)",
                    )


@hookimpl
def im4cm_lint_rules():
    return [SharingRuleWithoutChannel]


@hookimpl
def im4cm_lint_families():
    return {"CHAN": "channels: how the data of a sharing rule travels"}
