"""The desktop side: a launcher to drop reports on, opening the finished plan, and errors that
reach a person who has no terminal (a notification and a text file beside the input).

Nothing here is imported by the reading pipeline; `plan --open/--gui` and `install-launcher` load it.
"""
