/**
 * The livecode job queue and execution events on Redis: {@link
 * dev.livecode.queue.redis.RedisQueue}. Several api and worker processes on several machines share
 * one Redis through it.
 *
 * @since 0.1
 */
package dev.livecode.queue.redis;
