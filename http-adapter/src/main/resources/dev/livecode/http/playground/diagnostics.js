// Where a failed run's errors are in the user's source, read from its stderr: the compiler's and
// the interpreter's own formats, naming the file the runners write the source to.

/** [{line, column, message}] for the lines stderr points at in the user's file. */
export function errorsIn(language, stderr) {
  if (!stderr) return [];
  if (language === "typescript") return typescriptErrors(stderr);
  if (language === "python") return pythonErrors(stderr);
  if (language === "javascript") return javascriptErrors(stderr);
  return [];
}

// tsc: "main.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'."
function typescriptErrors(stderr) {
  const errors = [];
  for (const match of stderr.matchAll(/^main\.ts\((\d+),(\d+)\): error (TS\d+: .*)$/gm)) {
    errors.push({ line: Number(match[1]), column: Number(match[2]), message: match[3] });
  }
  return errors.length > 0 ? errors : javascriptErrors(stderr);
}

// A traceback's last frame in main.py is where it went wrong; the last line says what.
function pythonErrors(stderr) {
  const frames = [...stderr.matchAll(/^ {2}File "main\.py", line (\d+)/gm)];
  if (frames.length === 0) return [];
  const lines = stderr.trimEnd().split("\n");
  const message = lines[lines.length - 1];
  return [{ line: Number(frames[frames.length - 1][1]), column: 1, message }];
}

// node prints "…/main.js:4" above the failing line, then the stack.
function javascriptErrors(stderr) {
  const where = stderr.match(/main\.[jt]s:(\d+)(?::(\d+))?/);
  if (!where) return [];
  const message = stderr.split("\n").find((l) => /^\w*(Error|Exception)\b/.test(l)) || "error";
  return [{ line: Number(where[1]), column: Number(where[2] || 1), message }];
}
