"""Read YAML files while remembering where each value came from, for `file:line:` messages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML file with its node tree kept for line look-ups."""

    path: Path
    data: Any
    root: yaml.Node | None

    def line_of(self, location: Sequence[int | str]) -> int:
        """The 1-based line of the value at a pydantic error location (nearest known parent)."""
        node = self.root
        line = 1 if node is None else node.start_mark.line + 1
        for key in location:
            if isinstance(node, yaml.MappingNode):
                match = next((v for k, v in node.value if k.value == key), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
                match = node.value[key] if 0 <= key < len(node.value) else None
            else:
                match = None
            if match is None:
                break
            node = match
            line = node.start_mark.line + 1
        return line


def read_yaml(path: Path) -> YamlDocument:
    """Parse one YAML file.

    Raises:
        ValueError: with a `file:line: message` text when the YAML itself is broken.
    """
    text = path.read_text(encoding="utf-8")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else 1
        raise ValueError(f"{path}:{line}: broken YAML: {exc.problem}") from exc
    return YamlDocument(path=path, data=data, root=root)


def validation_problems(doc: YamlDocument, error: ValidationError) -> list[str]:
    """Turn a pydantic error into `file:line: field: message` strings."""
    problems = []
    for item in error.errors():
        location = [part for part in item["loc"] if not isinstance(part, str) or part[:1] != "_"]
        field = ".".join(str(part) for part in location) or "(file)"
        message = item["msg"].removeprefix("Value error, ")
        problems.append(f"{doc.path}:{doc.line_of(location)}: {field}: {message}")
    return problems


def parse_model(doc: YamlDocument, model: type[M]) -> M:
    """Validate a document into a model.

    Raises:
        ValueError: carrying the problems, one per line.
    """
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise ValueError("\n".join(validation_problems(doc, exc))) from exc
