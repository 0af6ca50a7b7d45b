/**
 * The HTTP adapter of livecode: {@link dev.livecode.http.LivecodeHttpServer} serves a {@link
 * dev.livecode.core.LivecodeEngine} over the REST API of {@code docs/api.md}, and {@link
 * dev.livecode.http.EngineMetrics} counts the engine's runs. The standalone server ({@code
 * livecode-server.jar}) is the module {@code server}, built on this one.
 */
package dev.livecode.http;
