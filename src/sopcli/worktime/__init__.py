"""Working time: the office calendar, the holiday cache, periods, and the one parser of dates and durations."""
