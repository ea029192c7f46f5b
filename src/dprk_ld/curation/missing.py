"""What curation still has to fill in for comparable claims: figures without a measure or a
reference period, findings without a time (or an explicit ``undated``) or without a topic.

The load refuses them like any other problem; each carries its ``rule``, so that
``dprk-ld check-claims`` can say how much is left, file by file, apart from the other problems.
"""

from __future__ import annotations

from collections import Counter

from dprk_ld.curation.errors import Problem

#: rule -> what a problem of it counts
PENDING_RULES = {
    "time": "findings without a time (date, period, as_of) or undated",
    "topic": "findings without a topic",
    "measure": "quantities without a measure",
    "period": "quantities without a reference period (none given, and no single time to take)",
}


def split_pending(problems: list[Problem]) -> tuple[list[Problem], list[Problem]]:
    """(the problems of rules curation is still filling in, every other problem)."""
    pending = [p for p in problems if p.rule in PENDING_RULES]
    return pending, [p for p in problems if p.rule not in PENDING_RULES]


def only_pending(problems: list[Problem]) -> bool:
    """Whether every problem is one that curation is still filling in (and there is one)."""
    pending, other = split_pending(problems)
    return bool(pending) and not other


def pending_report(problems: list[Problem], listing: bool = False) -> str:
    """How many findings and figures still lack each field, in all and file by file; with
    ``listing``, every one of them."""
    pending, _ = split_pending(problems)
    if not pending:
        return ("claims: every finding has a time (or undated) and a topic, every figure a measure "
                "and a period.")
    lines = ["claims still to curate (the build refuses them):"]
    per_rule = Counter(p.rule for p in pending)
    findings = {rule: len({(p.file, p.item) for p in pending if p.rule == rule}) for rule in per_rule}
    for rule, what in PENDING_RULES.items():
        if per_rule[rule]:
            extra = f" (in {findings[rule]} findings)" if rule in ("measure", "period") else ""
            lines.append(f"  {rule:<8}{per_rule[rule]:>5}  {what}{extra}")
    lines.append("by file:")
    for file in sorted({p.file for p in pending}):
        counts = Counter(p.rule for p in pending if p.file == file)
        lines.append(f"  {file}: " + ", ".join(f"{r} {counts[r]}" for r in PENDING_RULES if counts[r]))
    if listing:
        lines.append("each:")
        lines.extend(f"  {p}" for p in pending)
    return "\n".join(lines)


__all__ = ["PENDING_RULES", "only_pending", "pending_report", "split_pending"]
