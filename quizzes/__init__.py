"""Quiz content: one YAML file per lesson under `quizzes/<module>/`, and its loader."""

from quizzes.loader import QUIZZES_DIR, load_quizzes
from quizzes.models import Option, Question, QuestionType, Quiz

__all__ = ["QUIZZES_DIR", "Option", "Question", "QuestionType", "Quiz", "load_quizzes"]
