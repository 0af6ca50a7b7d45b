/**
 * The HTTP server's internals: routing, JSON mapping, errors, request threads, metrics. No
 * compatibility promise: anything here may change in any release.
 */
package dev.livecode.http.internal;
