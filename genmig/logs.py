import logging


class OneLineFormatter(logging.Formatter):
    """One line per event, a traceback included, so that log collectors keep events whole."""

    def format(self, record):
        return super().format(record).replace("\r", "").replace("\n", " | ")
