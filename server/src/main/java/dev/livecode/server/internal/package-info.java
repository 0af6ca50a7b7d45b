/**
 * The server's internals: flags, configuration, the backends it creates, its start and stop. No
 * compatibility promise: anything here may change in any release.
 */
package dev.livecode.server.internal;
