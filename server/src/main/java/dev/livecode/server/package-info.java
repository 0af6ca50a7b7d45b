/**
 * The standalone livecode server: {@link dev.livecode.server.Main}, run as {@code java -jar
 * livecode-server.jar [flags]}. It builds an engine and a {@code
 * dev.livecode.http.LivecodeHttpServer} from its flags and environment, with the store and queue
 * they name (found on the class path by name), and picks the logging binding.
 */
package dev.livecode.server;
