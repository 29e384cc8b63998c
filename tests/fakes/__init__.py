"""Fakes of external services (platform APIs) for tests and benchmarks."""
