"""Compares calendars/china.yaml, day by day, with the independent `chinesecalendar` package.

The calendar file is written from the State Council notices; this check catches a mistyped date. The
rule is the one WorkingCalendar applies: a make-up day is worked; otherwise Monday–Friday outside the
holiday periods is worked.
"""
import datetime as dt
import sys
from pathlib import Path

import chinese_calendar
import yaml

data = yaml.safe_load((Path(__file__).parent.parent / "calendars" / "china.yaml").read_text(encoding="utf-8"))
holidays, makeup = set(), set()
for year, spec in data["years"].items():
    for h in spec["holidays"]:
        d, end = dt.date.fromisoformat(h["from"]), dt.date.fromisoformat(h["to"])
        while d <= end:
            holidays.add(d)
            d += dt.timedelta(days=1)
    makeup.update(dt.date.fromisoformat(s) for s in spec.get("make_up_days", []))

years = sorted(int(y) for y in data["years"])
day, last = dt.date(years[0], 1, 1), dt.date(years[-1], 12, 31)
wrong = []
while day <= last:
    ours = day in makeup or (day.weekday() < 5 and day not in holidays)
    if ours != chinese_calendar.is_workday(day):
        wrong.append(f"{day}: calendars/china.yaml says {'working' if ours else 'off'}, chinesecalendar says the opposite")
    day += dt.timedelta(days=1)
if wrong:
    print("\n".join(wrong), file=sys.stderr)
    sys.exit(1)
print(f"calendar: {years[0]}–{years[-1]} agrees with chinesecalendar {chinese_calendar.__version__} on every day")
