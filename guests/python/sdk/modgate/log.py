"""The module log (always available). Long lines are truncated by the host."""

from wit_world.imports import log as _log

Level = _log.Level


def at(level: Level, message: str) -> None:
    _log.log(level, message)


def trace(message: str) -> None:
    _log.log(Level.TRACE, message)


def debug(message: str) -> None:
    _log.log(Level.DEBUG, message)


def info(message: str) -> None:
    _log.log(Level.INFO, message)


def warn(message: str) -> None:
    _log.log(Level.WARN, message)


def error(message: str) -> None:
    _log.log(Level.ERROR, message)
