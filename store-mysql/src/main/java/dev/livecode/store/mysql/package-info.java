/**
 * A durable {@link dev.livecode.core.spi.Store} on MySQL 8.0+ or MariaDB 10.6+: build one with
 * {@link dev.livecode.store.mysql.MySqlStore#builder()} and hand it to {@code
 * Livecode.builder().store(..)}.
 *
 * @since 0.1
 */
package dev.livecode.store.mysql;
