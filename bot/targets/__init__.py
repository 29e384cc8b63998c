"""Targets per commune × target group × year (issue 12): the provincial plan's default
percentages and the CSV file officials import (`hocvuso targets import`)."""

from bot.targets.csv_file import HEADER, ParsedTargets, TargetLine, parse_targets
from bot.targets.defaults import default_target_percent

__all__ = ["HEADER", "ParsedTargets", "TargetLine", "default_target_percent", "parse_targets"]
