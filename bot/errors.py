"""The exceptions hocvuso raises, translated at the edges into friendly replies or exit codes.

HocvusoError
├── ConfigurationError   settings or environment are wrong; the message says what to fix
├── ContentError         a lesson or quiz file is invalid (carries file:line problems)
├── StorageError         the database is unreachable or refused a write
└── ChannelError         a messaging platform refused or failed a call
"""

from __future__ import annotations


class HocvusoError(Exception):
    """Base class for every error hocvuso raises on purpose."""


class ConfigurationError(HocvusoError):
    """The operator's configuration is invalid; the message explains the fix.

    Attributes:
        options: what the operator may pick from (e.g. the communes a name matched), printed
            one per line under the message.
    """

    def __init__(self, message: str, options: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.options = options


class ContentError(HocvusoError):
    """Lesson or quiz content failed validation.

    Attributes:
        problems: one `file:line: message` string per problem found.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class StorageError(HocvusoError):
    """The database could not be reached or refused the operation.

    Attributes:
        transient: the database was unreachable (retrying later may work), as opposed to a
            statement it refused (retrying the same data will fail again).
    """

    def __init__(self, message: str, *, transient: bool = False) -> None:
        self.transient = transient
        super().__init__(message)


class ChannelError(HocvusoError):
    """A messaging platform call failed."""
