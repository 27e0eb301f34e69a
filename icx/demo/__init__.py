"""Demo data: realistic sample units for `icx demo`, tests and benchmarks."""
