/**
 * The sandbox tiers and what they are made of. No compatibility promise: anything here may change,
 * and no module but this one may import it.
 */
package dev.livecode.sandbox.internal;
