/**
 * Python for livecode. Put this jar on the class path and the engine finds {@link
 * dev.livecode.runner.python.PythonRunner} through ServiceLoader.
 */
package dev.livecode.runner.python;
