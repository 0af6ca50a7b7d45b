/**
 * Tests to build on, for livecode's own modules and for third-party authors: the contract of each
 * SPI ({@link dev.livecode.testing.LanguageRunnerContract}, {@link
 * dev.livecode.testing.StoreContract}, {@link dev.livecode.testing.JobQueueContract}, {@link
 * dev.livecode.testing.DurableJobQueueContract}, {@link
 * dev.livecode.testing.ExecutionEventsContract}), extended by an implementation's test class; and
 * JUnit 5 extensions for the real services integration tests need ({@link
 * dev.livecode.testing.MariaDbExtension}, {@link dev.livecode.testing.RedisExtension}, {@link
 * dev.livecode.testing.PrivateRedis}). Depend on it with test scope. Compatibility promise: as the
 * SPI's, source-compatible within a minor version.
 */
package dev.livecode.testing;
