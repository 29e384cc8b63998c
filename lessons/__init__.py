"""Lesson content: the YAML files under `lessons/<module>/` and the code that loads them."""

from lessons.loader import LESSONS_DIR, load_lessons, load_modules
from lessons.models import Bubble, Lesson, Module, Source, TargetGroup

__all__ = [
    "LESSONS_DIR",
    "Bubble",
    "Lesson",
    "Module",
    "Source",
    "TargetGroup",
    "load_lessons",
    "load_modules",
]
