/** The sandbox tiers. No compatibility promise: anything here may change. */
package dev.livecode.core.internal.sandbox;
