"""Lesson content: the YAML files under `lessons/<module>/`, their models and their loader.

The package exports only the models: importing it (as the conversation core does, for the
types) must not load PyYAML. The loader is `lessons.loader`.
"""

from lessons.models import LESSONS_DIR, Bubble, HandbookEntry, Lesson, Module, Source, TargetGroup

__all__ = [
    "LESSONS_DIR",
    "Bubble",
    "HandbookEntry",
    "Lesson",
    "Module",
    "Source",
    "TargetGroup",
]
