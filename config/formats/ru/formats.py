# "Вт, 24 ноября, 15:00": the month in the genitive ("E").
WEBINAR_DAY_AND_TIME_FORMAT = "D, j E, H:i"
