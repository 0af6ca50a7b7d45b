/** Implementation details of queue-redis. No compatibility promise: anything here may change. */
package dev.livecode.queue.redis.internal;
