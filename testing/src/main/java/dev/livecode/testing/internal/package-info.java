/**
 * Implementation details of the testing artifact. No compatibility promise: anything here may
 * change.
 */
package dev.livecode.testing.internal;
