//! Pack sets for the benchmark harness (`bench/`), written by an ignored test so they are built
//! with the same generator as the test fixtures. See BENCHMARKS.md.
