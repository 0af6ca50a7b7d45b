/**
 * Implementation details of livecode-store-mysql. No compatibility promise: anything here may
 * change or disappear in any release.
 */
package dev.livecode.store.mysql.internal;
