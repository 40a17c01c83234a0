"""Benchmarks: `make bench` (python -m benchmarks.bench_model)."""
