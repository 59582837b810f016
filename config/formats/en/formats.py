# Weekday, date and a 24-hour clock, short enough for a phone: "Tue 24 Nov, 15:00".
WEBINAR_DAY_AND_TIME_FORMAT = "D j M, H:i"
