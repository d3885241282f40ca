"""Calendar dates as people write them: "June 12", "12 June", "the 12th of June", "June 12th, 2026", "2026-06-12".

`DATE` finds one in a text; `read_date` turns a match into (year or None, month, day). The offline tutor
reads plans with them ("My trip to Rome is on June 12"), and the benchmark's scoring compares them.
"""

from __future__ import annotations

import re

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
_MONTH = (r"(?P<{}>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DAY = r"(?P<{}>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<{}>\d{{4}}))?"
DATE = re.compile(
    r"\b(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})\b"
    rf"|\b{_MONTH.format('m1')}\s+(?:the\s+)?{_DAY.format('d1')}\b{_YEAR.format('y1')}"
    rf"|\b(?:the\s+)?{_DAY.format('d2')}\s+(?:of\s+)?{_MONTH.format('m2')}\b{_YEAR.format('y2')}",
    re.I,
)


def read_date(match: re.Match[str]) -> tuple[int | None, int, int] | None:
    """(year or None, month, day) of a DATE match, or None if it is no real day (a 32nd, a 13th month)."""
    groups = match.groupdict()
    if groups["iy"]:
        year, month, day = int(groups["iy"]), int(groups["im"]), int(groups["id"])
    else:
        name = (groups["m1"] or groups["m2"]).lower()
        year_text, day = groups["y1"] or groups["y2"], int(groups["d1"] or groups["d2"])
        year = int(year_text) if year_text else None
        month = next(index for index, full in enumerate(MONTHS, 1) if full.startswith(name[:3]))
    return (year, month, day) if 1 <= month <= 12 and 1 <= day <= 31 else None
