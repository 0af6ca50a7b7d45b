/**
 * The HTTP adapter of livecode: {@link dev.livecode.http.LivecodeHttpServer} serves a
 * {@link dev.livecode.core.LivecodeEngine} over the REST API of {@code docs/api.md}, and
 * {@link dev.livecode.http.Main} is the standalone server ({@code livecode-server.jar}).
 */
package dev.livecode.http;
