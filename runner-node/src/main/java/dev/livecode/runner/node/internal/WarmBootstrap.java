package dev.livecode.runner.node.internal;

import java.util.List;

/**
 * The {@code node -e} program of a warm start (see {@code LanguageRunner#warmCommand}): node
 * starts, then waits on fd 0 for one header line with the program's UTF-8 byte length and that many
 * bytes of JavaScript, read with blocking {@code fs.readSync} calls of exactly what is due (the
 * rest of stdin stays the program's). It writes them to {@code main.js} in the working directory
 * and runs that as the main module through {@code require('module').runMain()}, as {@code node
 * main.js} does: {@code process.argv[1]} is the absolute path of main.js, {@code require.main ===
 * module}, {@code __filename} is that path, and {@code -e} and its program are taken out of {@code
 * process.execArgv} (so a forked child starts as a cold one would), and the globals that {@code -e}
 * adds (node's modules, {@code require}, {@code module}, {@code process._eval}...) are deleted: the
 * program sees the globals of a cold run. All of it runs in a closure: the program sees no variable
 * of the bootstrap. While it waits, it does what every start repeats: it creates process.stdout and
 * process.stderr (the objects the program would create at its first write) and loads an empty
 * module through the CommonJS loader (with an inline source map under {@code --enable-source-maps})
 * so that the loader's code is compiled, then forgets that module (its file and loader cache
 * entries; only a weakly held source-map entry may outlive it until the next GC); about 4 ms less
 * per run here. EOF before the header (the engine discarding an unused process) exits 0 quietly.
 *
 * <p>Difference left: below the program's own frames, an uncaught error's stack names the bootstrap
 * ({@code [eval]}) and node's eval machinery where a cold run names {@code
 * node:internal/main/run_main_module}; the message, the source line and the program's frames are
 * the same.
 */
public final class WarmBootstrap {
  private WarmBootstrap() {}

  /** The bootstrap program. */
  public static final String SCRIPT =
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

  /** The node arguments that start the bootstrap. */
  public static final List<String> ARGS = List.of("-e", SCRIPT);
}
