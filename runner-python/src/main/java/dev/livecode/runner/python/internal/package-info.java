/**
 * Implementation details of the Python runner. No compatibility promise: anything here may change.
 */
package dev.livecode.runner.python.internal;
