/** Implementation details of the engine. No compatibility promise: anything here may change. */
package dev.livecode.core.internal;
