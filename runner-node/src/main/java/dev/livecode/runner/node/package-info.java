/**
 * JavaScript and TypeScript for livecode, both run by node. Put this jar on the class path and the
 * engine finds {@link dev.livecode.runner.node.JavaScriptRunner} and {@link
 * dev.livecode.runner.node.TypeScriptRunner} through ServiceLoader.
 */
package dev.livecode.runner.node;
