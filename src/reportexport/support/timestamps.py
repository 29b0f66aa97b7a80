"""The one build time every edition records, so that builds are reproducible."""

from __future__ import annotations

import datetime as dt
import os

from reportexport.model import Report
from reportexport.source.problems import ExportError


def build_time(report: Report) -> dt.datetime:
    """SOURCE_DATE_EPOCH when set, else the source's revision or publication date.

    Never the wall clock: an edition built twice from the same source is the
    same file, which is what archives, diffs and reproducible pipelines need.
    """
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if raw:
        try:
            seconds = int(raw)
        except ValueError:
            raise ExportError(
                f"SOURCE_DATE_EPOCH={raw!r} is not a whole number of seconds since 1970"
            ) from None
        try:
            return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
        except (ValueError, OverflowError, OSError):
            raise ExportError(f"SOURCE_DATE_EPOCH={raw!r} is outside the dates an edition "
                              "can record (the years 1 to 9999)") from None
    day = report.metadata.modified or report.metadata.date
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
