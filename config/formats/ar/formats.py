# "ثلاثاء 24 نوفمبر، 15:00": the Arabic comma.
WEBINAR_DAY_AND_TIME_FORMAT = "D j F، H:i"
