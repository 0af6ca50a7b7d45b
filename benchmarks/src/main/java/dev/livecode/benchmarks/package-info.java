/**
 * The livecode load generator: {@link dev.livecode.benchmarks.BenchmarkMain} starts the standalone
 * server as a child JVM and prints one table of figures, each beside its baseline measured in the
 * same run. See {@code docs/benchmarks.md}.
 */
package dev.livecode.benchmarks;
