// livecode's warm TypeScript transpiler. Started once by TypeScriptRunner with a minimal
// environment; it loads typescript.js (argv[2]) once and then answers requests on stdin.
//   request:  "<byte length>\n" + UTF-8 source
//   reply:    "OK <byte length>\n" + JavaScript  |  "ERR <byte length>\n" + diagnostics
// The first reply, sent unasked once warm, is "OK <n>\n" + the TypeScript version.
// It only parses text: it reads no files and runs none of the user's code.
'use strict';
const ts = require(process.argv[2]);

const OPTIONS = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.CommonJS,
  esModuleInterop: true,
  isolatedModules: true,
  inlineSourceMap: true,
  inlineSources: true,
  removeComments: false,
  newLine: ts.NewLineKind.LineFeed,
};

function transpile(source) {
  const out = ts.transpileModule(source, {
    fileName: 'main.ts',
    reportDiagnostics: true,
    compilerOptions: OPTIONS,
  });
  const errors = (out.diagnostics || []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    return ['ERR', errors.map(format).join('\n') + '\n'];
  }
  return ['OK', out.outputText];
}

function format(d) {
  const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
  if (d.file && d.start !== undefined) {
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return `main.ts(${line + 1},${character + 1}): error TS${d.code}: ${message}`;
  }
  return `main.ts: error TS${d.code}: ${message}`;
}

function reply(kind, text) {
  const body = Buffer.from(text, 'utf8');
  process.stdout.write(Buffer.concat([Buffer.from(`${kind} ${body.length}\n`, 'latin1'), body]));
}

let pending = Buffer.alloc(0);
process.stdin.on('data', (chunk) => {
  pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
  for (;;) {
    const newline = pending.indexOf(10);
    if (newline < 0) return;
    const length = Number.parseInt(pending.subarray(0, newline).toString('latin1'), 10);
    if (!Number.isSafeInteger(length) || length < 0) {
      process.exit(2); // a broken frame: the runner restarts us
    }
    if (pending.length < newline + 1 + length) return;
    const source = pending.subarray(newline + 1, newline + 1 + length).toString('utf8');
    pending = pending.subarray(newline + 1 + length);
    let answer;
    try {
      answer = transpile(source);
    } catch (e) {
      answer = ['ERR', `main.ts: error: the TypeScript transpiler failed: ${e && e.message}\n`];
    }
    reply(answer[0], answer[1]);
  }
});
process.stdin.on('end', () => process.exit(0));

// Warm up the transpiler's code paths (types, errors, modules) before saying we are ready, so
// the first user's run does not pay for the JIT.
const WARM_UP = [
  'interface P { x: number }\nenum E { A, B }\nclass C<T> { constructor(private v: T) {}\n'
    + '  get(): T { return this.v } }\nasync function f(p: P): Promise<number> { return p.x + E.B }\n'
    + 'f({ x: 1 }).then((n) => console.log(new C(n).get()))\n',
  'import fs from "fs"\nexport const a: string[] = ["x"]\ntype U = { [k: string]: number | undefined }\n',
  'let x: number = \nconsole.log(x\n',
];
for (let i = 0; i < 60; i++) {
  transpile(WARM_UP[i % WARM_UP.length]);
}
reply('OK', ts.version);
