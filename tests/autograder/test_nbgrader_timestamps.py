"""Submission timestamps read as nbgrader reads them: the formgrader compares the
gradebook's timestamp with timestamp.txt, so ours must be exactly nbgrader's."""

import pytest
from nbgrader.utils import parse_utc

from autograder.nbgrader_library import parse_timestamp


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-30 09:15:00.000000 UTC",  # as `nbgrader collect` writes it
        "2026-11-30 09:15:00.123456 UTC",
        "2026-11-30 09:15:00.5 UTC",
        "2026-11-30 09:15:00 UTC",
        "2024-02-29 23:59:59.999999 UTC",
        # Other forms: left to nbgrader itself.
        "2026-11-30 10:15:00.000000 CET",
        "2026-11-30 10:15:00 +0100",
        "2026-11-30T09:15:00Z",
        "2026-11-30 09:15:00",
    ],
)
def test_a_timestamp_is_read_as_nbgrader_reads_it(text):
    assert parse_timestamp(text) == parse_utc(text)
    assert parse_timestamp(text).tzinfo is None


@pytest.mark.parametrize("text", ["2026-13-30 09:15:00.000000 UTC", "yesterday UTC", ""])
def test_text_that_is_no_timestamp_is_refused(text):
    with pytest.raises((ValueError, OverflowError)):
        parse_timestamp(text)
