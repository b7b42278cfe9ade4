//! Weights generated for this runtime by `scripts/benchmark.sh` (frame-omni-bencher).
