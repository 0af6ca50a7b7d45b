/**
 * The server's internals: routing, JSON mapping, errors, configuration. No compatibility promise:
 * anything here may change in any release.
 */
package dev.livecode.http.internal;
