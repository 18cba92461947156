"""Every form of date a reader sees: a day, a month, a year, a range, and approximate ones."""

from __future__ import annotations

import pytest

from eventatlas.data.dates import parse_event_date, parse_partial_date

LABELS = {
    "2025-07-12": "12 July 2025",
    "2025-07-01": "1 July 2025",
    "2025-07": "July 2025",
    "2025": "2025",
    "2025-07-12~": "about 12 July 2025",
    "2025-07~": "about July 2025",
    "2024~": "about 2024",
    "2025-07-11/2025-07-12": "11–12 July 2025",
    "2025-06-30/2025-07-02": "30 June 2025 – 2 July 2025",
    "2024-12-31/2025-12-01": "31 December 2024 – 1 December 2025",
    "2024-10/2024-12": "October 2024 – December 2024",
    "2022/2023": "2022 – 2023",
    "2024-10~/2024-12": "about October 2024 – December 2024",
    "2025-07-11/2025-07-12~": "about 11–12 July 2025",
}


@pytest.mark.parametrize("text, label", sorted(LABELS.items()))
def test_each_kind_of_date_reads_as_a_person_writes_it(text, label):
    assert parse_event_date(text).label == label


@pytest.mark.parametrize("text, label", [("2025-07-13", "13 July 2025"), ("2025-07", "July 2025")])
def test_a_publication_date_reads_the_same_way(text, label):
    assert parse_partial_date(text).label == label
