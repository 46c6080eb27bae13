"""Errors meant for people: each names the file, line or record, what is wrong and the fix."""


class InputError(Exception):
    """Bad user input (config, list, GMT, records): shown to the user without a traceback."""
