package dev.livecode.core.testing;

import dev.livecode.core.spi.LanguageRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Minimal runners for core's own tests (the real ones live in runner modules, which depend on
 * core): Debian's python3 and node, started the way the real runners start them.
 */
public final class TestRunners {
  private TestRunners() {}

  /**
   * A warm python: reads the header and source from fd 0 (exactly, no read-ahead), writes main.py
   * and runs it in __main__ as {@code python main.py} would (a test double: its tracebacks show two
   * bootstrap frames more than a cold run).
   */
  static final String PYTHON_WARM =
      """
      def _livecode_warm():
          import os, sys
          header = b''
          while not header.endswith(b'\\n'):
              byte = os.read(0, 1)
              if not byte:
                  os._exit(0)
              header += byte
          size, chunks = int(header), []
          while size > 0:
              chunk = os.read(0, size)
              if not chunk:
                  os._exit(0)
              chunks.append(chunk)
              size -= len(chunk)
          source = b''.join(chunks)
          with open('main.py', 'wb') as f:
              f.write(source)
          g = sys.modules['__main__'].__dict__
          del g['_livecode_warm']
          g['__file__'] = path = os.path.abspath('main.py')
          sys.argv = ['main.py']
          code = compile(source, path, 'exec', dont_inherit=True)
          del header, chunks, f, size, path
          exec(code, g)
      _livecode_warm()
      """;

  /** A warm node: the same protocol, then main.js is run as the main module. */
  static final String NODE_WARM =
      """
      (() => {
        const fs = require('fs');
        const Module = require('module');
        const path = require('path');
        // node -e adds node's modules, require, module, exports, __filename and __dirname as globals: a
        // cold run has none of them.
        for (const name of Module.builtinModules) {
          const own = Object.getOwnPropertyDescriptor(globalThis, name);
          if (own && own.get && own.get.name === 'get' && own.set && own.set.name === 'setReal') delete globalThis[name];
        }
        for (const name of ['require', 'module', 'exports', '__filename', '__dirname']) delete globalThis[name];
        delete process._eval;
        // Work every program's start repeats, done now while nothing waits: the stdout and stderr
        // streams (the same objects the program would create at its first write), and one load of an
        // empty module through the CommonJS loader (so node's loader code is compiled), which is then
        // forgotten: its file, its cache entries.
        process.stdout;
        process.stderr;
        const empty = path.resolve('.livecode-warm.js');
        try {
          // With --enable-source-maps, a source map too, so that its reader is loaded as well.
          fs.writeFileSync(empty, process.sourceMapsEnabled
            ? '//# sourceMappingURL=data:application/json;base64,' + Buffer.from(JSON.stringify(
              { version: 3, sources: ['empty.ts'], names: [], mappings: 'AAAA' })).toString('base64')
            : '');
          Module._load(empty, null, false);
        } catch (e) {
          // Only a warm-up: the program starts as fast as a cold one would.
        } finally {
          delete Module._cache[empty];
          for (const key of Object.keys(Module._pathCache)) {
            if (key.includes(empty) || Module._pathCache[key] === empty) delete Module._pathCache[key];
          }
          try {
            fs.unlinkSync(empty);
          } catch (e) {
            // Not written.
          }
        }
        const one = Buffer.alloc(1);
        let header = '';
        for (;;) {
          let read;
          try {
            read = fs.readSync(0, one, 0, 1, null);
          } catch (e) {
            if (e.code === 'EAGAIN') continue;
            throw e;
          }
          if (read === 0) process.exit(0);
          if (one[0] === 10) break;
          header += String.fromCharCode(one[0]);
        }
        const size = Number(header);
        const source = Buffer.alloc(size);
        for (let at = 0; at < size;) {
          let read;
          try {
            read = fs.readSync(0, source, at, size - at, null);
          } catch (e) {
            if (e.code === 'EAGAIN') continue;
            throw e;
          }
          if (read === 0) process.exit(0);
          at += read;
        }
        fs.writeFileSync('main.js', source);
        const at = process.execArgv.findIndex(a => a === '-e' || a === '--eval');
        if (at >= 0) process.execArgv.splice(at, 2);
        process.argv[1] = path.resolve('main.js');
        Module.runMain();
      })();
      """;

  public static LanguageRunner python() {
    return new Simple(
        "python",
        "Python",
        Path.of("/usr/bin/python3"),
        "main.py",
        List.of("-S", "-I", "-u"),
        List.of("-c", PYTHON_WARM));
  }

  public static LanguageRunner node() {
    return new Simple(
        "javascript",
        "JavaScript",
        Path.of("/usr/bin/node"),
        "main.js",
        List.of(),
        List.of("-e", NODE_WARM));
  }

  private record Simple(
      String id,
      String displayName,
      Path executable,
      String file,
      List<String> flags,
      List<String> warmArgs)
      implements LanguageRunner {

    @Override
    public Optional<LanguageRunner.Command> warmCommand(
        LanguageRunner.Probe probe, LanguageRunner.Settings settings) {
      List<String> argv = new ArrayList<>();
      argv.add(probe.requireExecutable().toString());
      argv.addAll(flags);
      argv.addAll(settings.extraArgs());
      argv.addAll(warmArgs);
      return Optional.of(LanguageRunner.Command.of(argv));
    }

    @Override
    public LanguageRunner.Probe probe(LanguageRunner.Settings settings) {
      Path exe = settings.interpreter().orElse(executable);
      return Files.isExecutable(exe)
          ? LanguageRunner.Probe.available("test", exe, List.of())
          : LanguageRunner.Probe.unavailable(exe + " not found");
    }

    @Override
    public LanguageRunner.Program prepare(
        String sourceCode, LanguageRunner.Probe probe, LanguageRunner.Settings settings) {
      List<String> argv = new ArrayList<>();
      argv.add(probe.requireExecutable().toString());
      argv.addAll(flags);
      argv.addAll(settings.extraArgs());
      argv.add(file);
      return LanguageRunner.Program.interpreted(
          Map.of(file, sourceCode), LanguageRunner.Command.of(argv));
    }
  }
}
