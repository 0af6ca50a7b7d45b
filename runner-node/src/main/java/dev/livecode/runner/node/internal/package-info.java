/**
 * Implementation details of the node runners. No compatibility promise: anything here may change.
 */
package dev.livecode.runner.node.internal;
