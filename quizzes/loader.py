"""Find and validate the quiz files: `quizzes/<module>/<lesson id>.yaml`."""

from __future__ import annotations

from pathlib import Path

from lessons.yamlfile import parse_model, read_yaml
from quizzes.models import Quiz

QUIZZES_DIR = Path(__file__).resolve().parent


def quiz_files(root: Path = QUIZZES_DIR) -> list[Path]:
    """Every quiz file, in a stable order."""
    return sorted(p for p in root.glob("*/*.yaml") if p.parent.name != "__pycache__")


def load_quizzes(root: Path = QUIZZES_DIR) -> tuple[list[Quiz], list[str]]:
    """Read every quiz file. Returns the quizzes that validated and the problems found."""
    quizzes: list[Quiz] = []
    problems: list[str] = []
    for path in quiz_files(root):
        try:
            doc = read_yaml(path)
            quiz = parse_model(doc, Quiz)
        except ValueError as exc:
            problems.extend(str(exc).splitlines())
            continue
        if path.stem != quiz.lesson:
            problems.append(
                f"{path}:{doc.line_of(['lesson'])}: lesson: the file name must be the lesson id "
                f"({quiz.lesson}.yaml)"
            )
        quizzes.append(quiz)
    return quizzes, problems
