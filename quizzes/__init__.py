"""Quiz content: one YAML file per lesson under `quizzes/<module>/`, its models and its loader.

The package exports only the models: importing it (as the conversation core does, for the
types) must not load PyYAML. The loader is `quizzes.loader`.
"""

from quizzes.models import Option, Question, QuestionType, Quiz

__all__ = ["Option", "Question", "QuestionType", "Quiz"]
