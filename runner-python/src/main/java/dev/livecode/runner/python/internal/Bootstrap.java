package dev.livecode.runner.python.internal;

import java.util.List;

/**
 * The few lines of Python that start {@code main.py} under {@code python -S}, given as {@code -c
 * RUN ON_ERROR}: {@link #RUN} is the program, {@link #ON_ERROR} arrives as {@code sys.argv[1]} and
 * is only compiled when the user's program raised.
 *
 * <p>Why: {@code -S} skips {@code site}, which halves the interpreter's start but also drops the
 * {@code exit()}, {@code quit()} and {@code help()} builtins that student programs call. RUN puts
 * them back ({@code _sitebuiltins} is what {@code site} itself uses, frozen into the interpreter),
 * then runs {@code main.py} in the real {@code __main__} module with {@code __file__ = 'main.py'}
 * and {@code sys.argv == ['main.py']}, so the program sees what {@code python main.py} gives it.
 *
 * <p>Compiling without {@code compile()}: the builtin {@code compile()} first builds the {@code
 * ast} module's hundred-odd classes (about 1 ms, as much again as all of RUN), while {@code exec()}
 * of source does not. So RUN has {@code exec()} compile the source under a trace function that
 * stops the new frame before its first instruction, takes that frame's code object and renames it
 * (and the code nested in it) from {@code <string>} to {@code main.py} with {@code
 * _imp._fix_co_filename}, the call importlib uses for moved .pyc files. Nothing of the program has
 * run at that point. The trace only acts on the frame of the probe namespace, not on modules the
 * compiler may import (a codec named by a coding cookie). Warnings are errors while it compiles, so
 * a program the compiler warns about (a {@code SyntaxWarning}) or rejects, or any surprise in a
 * future Python, takes the plain {@code compile(source, 'main.py', ...)} path, which prints the
 * warning or the {@code SyntaxError} exactly as {@code python main.py} would. Cost on 3.11 here
 * ({@code PythonStartCost} in the benchmarks measures it through an engine): about 0.5 ms per
 * start, most of it parsing RUN itself, where going through {@code compile()} costs about 1.4 ms.
 *
 * <p>Errors look like a normal run: ON_ERROR drops RUN's own frame from the traceback (the next
 * frame is always {@code main.py}'s module, or none for a {@code SyntaxError}), hands it to {@code
 * sys.excepthook} (the interpreter's own printer unless the program installed one) and exits with
 * status 1; an uncaught {@code KeyboardInterrupt} ends the process by SIGINT, as CPython 3.8+ does.
 * {@code SystemExit} passes through untouched, so {@code sys.exit(3)} exits 3 and {@code
 * sys.exit('msg')} prints msg and exits 1. Differences left: the program runs three frames deeper
 * (a runaway recursion reports 993 repeats instead of 996), and on Python 3.8 and 3.9 a parenthesis
 * left open at the end of the file is reported at its own line rather than at the end of the file.
 */
public final class Bootstrap {
  private Bootstrap() {}

  /**
   * The {@code -c} program: restores the site builtins and runs {@code main.py} as {@code
   * __main__}.
   */
  public static final String RUN =
      """
      def _livecode():
          import sys, builtins, _sitebuiltins, _imp, _warnings
          g = sys.modules['__main__'].__dict__
          del g['_livecode']
          builtins.exit = _sitebuiltins.Quitter('exit', 'Ctrl-D (i.e. EOF)')
          builtins.quit = _sitebuiltins.Quitter('quit', 'Ctrl-D (i.e. EOF)')
          builtins.help = _sitebuiltins._Helper()
          on_error, sys.argv = sys.argv[1], ['main.py']
          g['__file__'], g['__cached__'] = 'main.py', None
          g['__loader__'] = sys.modules['_frozen_importlib_external'].SourceFileLoader('__main__', 'main.py')
          with open('main.py', 'rb') as f:
              source = f.read()
          code, probe, strict = None, {}, ('error', None, Warning, None, 0)
          def capture(frame, event, arg):
              if frame.f_globals is probe:
                  raise SystemError(frame.f_code)
          _warnings.filters.insert(0, strict)
          sys.settrace(capture)
          try:
              exec(source, probe)
          except SystemError as stop:
              if stop.args and type(stop.args[0]) is type(capture.__code__):
                  code = stop.args[0]
                  _imp._fix_co_filename(code, 'main.py')
          except Exception:
              pass
          sys.settrace(None)
          _warnings.filters.remove(strict)
          try:
              if code is None or code.co_filename != 'main.py':
                  code = compile(source, 'main.py', 'exec', dont_inherit=True)
              exec(code, g)
              return
          except SystemExit:
              raise
          except BaseException as e:
              error = e
          exec(on_error, {'sys': sys, 'error': error})
      _livecode()
      """;

  /** Run with {@code error} (the program's exception) and {@code sys}; ends the process. */
  public static final String ON_ERROR =
      """
      tb = error.__traceback__ = error.__traceback__.tb_next
      sys.last_type, sys.last_value, sys.last_traceback = type(error), error, tb
      try:
          sys.excepthook(type(error), error, tb)
      except BaseException as hook_error:
          hook_error.__traceback__ = hook_error.__traceback__.tb_next
          print('Error in sys.excepthook:', file=sys.stderr)
          sys.__excepthook__(type(hook_error), hook_error, hook_error.__traceback__)
          print(file=sys.stderr)
          print('Original exception was:', file=sys.stderr)
          sys.__excepthook__(type(error), error, tb)
      if isinstance(error, KeyboardInterrupt):
          import atexit, os, signal
          atexit._run_exitfuncs()
          signal.signal(signal.SIGINT, signal.SIG_DFL)
          os.kill(os.getpid(), signal.SIGINT)
      raise SystemExit(1)
      """;

  /** The interpreter arguments that run {@code main.py} through the bootstrap. */
  public static final List<String> ARGS = List.of("-c", RUN, ON_ERROR);

  /** Where {@link #RUN} reads the program; a warm start reads it from stdin instead. */
  private static final String READ_MAIN =
      """
          with open('main.py', 'rb') as f:
              source = f.read()
      """;

  /**
   * Reads one program from fd 0 as {@code LanguageRunner#warmCommand} sends it (a header line with
   * its byte length, then exactly those bytes, with {@code posix.read}: no read-ahead, so the rest
   * of stdin stays the program's), and writes it to {@code main.py}. EOF first (the engine
   * discarding an unused interpreter) exits 0 quietly. {@code posix} is loaded at every start, so
   * importing it changes nothing the program can see.
   */
  private static final String RECEIVE_MAIN =
      """
          import posix
          header = b''
          while not header.endswith(b'\\n'):
              byte = posix.read(0, 1)
              if not byte:
                  posix._exit(0)
              header += byte
          size, chunks = int(header), []
          while size > 0:
              chunk = posix.read(0, size)
              if not chunk:
                  posix._exit(0)
              chunks.append(chunk)
              size -= len(chunk)
          source = b''.join(chunks)
          with open('main.py', 'wb') as f:
              f.write(source)
      """;

  /**
   * The {@code -c} program of a warm start: {@link #RUN} with everything before reading the program
   * done while waiting for it (the builtins, argv, {@code __file__}), the program then received on
   * stdin and written to {@code main.py}, and from there exactly {@link #RUN}: the same frames,
   * compile path, tracebacks and exit codes as a cold start.
   */
  public static final String WARM_RUN = warmRun();

  /**
   * The interpreter arguments of a warm start ({@link #WARM_RUN}, then {@link #ON_ERROR} as
   * argv[1]).
   */
  public static final List<String> WARM_ARGS = List.of("-c", WARM_RUN, ON_ERROR);

  private static String warmRun() {
    if (!RUN.contains(READ_MAIN)) {
      throw new IllegalStateException(
          "the bootstrap no longer reads main.py where the warm start expects it");
    }
    return RUN.replace(READ_MAIN, RECEIVE_MAIN);
  }
}
