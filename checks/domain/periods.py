"""Periods the pack limits (review periods, how long a draft may stay open): one shape for every
rule that measures days against a threshold of the pack."""

from __future__ import annotations

from typing import Callable, Iterable, Iterator, TypeVar

from im4cm_lint.pack import Pack

T = TypeVar("T")


def beyond(pack: Pack, threshold: str, items: Iterable[T], days: Callable[[T], int | None]) -> Iterator[tuple[T, int, float]]:
    """(item, days, limit) for each item whose period, in days, is longer than the pack's
    ``threshold`` allows; nothing when the pack sets no such threshold or the period is unknown."""
    limit = pack.threshold(threshold)
    if limit is None:
        return
    for item in items:
        length = days(item)
        if length is not None and length > limit:
            yield item, length, limit


def days_since(project, value: object) -> int | None:
    """Days from a document date to the day the run judges (``--today``); None when it is absent."""
    start = project.date(value)
    return (project.today - start).days if start else None
