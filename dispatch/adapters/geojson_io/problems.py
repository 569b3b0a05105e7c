"""What is wrong with a city file: one :class:`ImportProblem` per problem, all of them in
one :class:`CityImportError`."""

from __future__ import annotations

from dataclasses import dataclass

_MAX_LISTED = 20


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """One thing wrong with a city file; ``index`` is None for the file as a whole."""

    message: str
    index: int | None = None
    code: str | None = None  # the feature's code (regions) or id (units, parts), if readable

    def __str__(self) -> str:
        if self.index is None:
            return self.message
        where = f"feature {self.index}" + (f" ({self.code})" if self.code else "")
        return f"{where}: {self.message}"


class CityImportError(ValueError):
    """The file is not a valid city; ``problems`` lists everything wrong with it."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        self.problems: tuple[ImportProblem, ...] = tuple(problems)
        lines = [str(p) for p in self.problems[:_MAX_LISTED]]
        if len(self.problems) > _MAX_LISTED:
            lines.append(f"... and {len(self.problems) - _MAX_LISTED} more")
        n = len(self.problems)
        super().__init__(f"invalid city file ({n} problem{'s' if n != 1 else ''}):\n  "
                         + "\n  ".join(lines))
