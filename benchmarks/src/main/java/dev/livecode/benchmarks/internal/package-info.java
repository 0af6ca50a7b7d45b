/**
 * Internals of the benchmark tool. No compatibility promise: anything here may change or disappear
 * in any release.
 */
package dev.livecode.benchmarks.internal;
