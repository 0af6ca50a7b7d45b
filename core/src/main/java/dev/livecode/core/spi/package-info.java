/**
 * What runner, queue and store authors implement. Each SPI is small; optional hooks are {@code
 * default} methods, so adding one never breaks an implementor. Compatibility promise:
 * source-compatible within a minor version from 0.1 on.
 */
package dev.livecode.core.spi;
