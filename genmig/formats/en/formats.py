# Dates as IOM writes them in English: "20 January 2027".
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
