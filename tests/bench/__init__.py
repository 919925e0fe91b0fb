"""Speed benchmarks, run with `python -m tests.bench` (make bench). Not part of the test suite."""
