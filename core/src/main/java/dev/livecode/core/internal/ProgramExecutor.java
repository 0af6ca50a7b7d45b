package dev.livecode.core.internal;

import dev.livecode.core.Execution;
import dev.livecode.core.Limits;
import dev.livecode.core.spi.LanguageRunner;
import dev.livecode.sandbox.ConfinedProcess;
import dev.livecode.sandbox.LaunchSpec;
import dev.livecode.sandbox.Sandbox;
import dev.livecode.sandbox.SandboxLimits;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one execution: lays out its workspace, runs the compile step if any and the program in the
 * sandbox, and turns what happened into a result. Never throws for what the program does.
 */
final class ProgramExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(ProgramExecutor.class);
  static final String TIMED_OUT = "Execution Timed Out";
  private static final int SIGXCPU = 24;

  /**
   * How long the output pumps may take to reach EOF once every process of the program is dead.
   * Generous: a pump thread can be slow to get a core on a loaded host, and giving up loses output.
   */
  private static final Duration DRAIN_GRACE = Duration.ofSeconds(10);

  private static final String SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin";

  /**
   * Stdin up to this size is written directly: it always fits an empty pipe's buffer, which is 64
   * KiB but may be one page when the user is over its pipe-buffer quota (non-root servers).
   */
  private static final int DIRECT_WRITE_BYTES = 4096;

  private final Sandbox sandbox;
  private final Workspaces workspaces;
  private final ExecutorService io;
  private final Clock clock;
  private final Map<String, WarmPool> warmPools;

  ProgramExecutor(Sandbox sandbox, Workspaces workspaces, ExecutorService io, Clock clock) {
    this(sandbox, workspaces, io, clock, Map.of());
  }

  ProgramExecutor(
      Sandbox sandbox,
      Workspaces workspaces,
      ExecutorService io,
      Clock clock,
      Map<String, WarmPool> warmPools) {
    this.sandbox = sandbox;
    this.workspaces = workspaces;
    this.io = io;
    this.clock = clock;
    this.warmPools = Map.copyOf(warmPools);
  }

  /**
   * The runner's prepare step, within the run's wall time: the program to run, or already the run's
   * result (it did not compile, it ran out of time compiling, or the runner failed).
   */
  Prepared prepare(Execution execution, RegisteredRunner runner) {
    long started = System.nanoTime();
    LanguageRunner.Program program;
    try {
      program = runner.prepare(execution.sourceCode(), execution.limits().wallTime());
    } catch (RuntimeException e) {
      LOG.error(
          "runner prepare failed execution={} language={} error={}",
          execution.id(),
          runner.id(),
          e.toString(),
          e);
      return Prepared.ended(internalError());
    }
    if (program.timedOut()) {
      // As a program that runs out of its wall time: TIMEOUT, no reason, the timeout line last.
      return Prepared.ended(
          new Execution.Result(
              Execution.Status.TIMEOUT,
              "",
              withTimeoutLine(program.compileError().orElseThrow()),
              OptionalInt.empty(),
              OptionalInt.empty(),
              Optional.empty(),
              false,
              false,
              Duration.ofNanos(System.nanoTime() - started),
              clock.instant()));
    }
    if (program.compileError().isPresent()) {
      return Prepared.ended(
          new Execution.Result(
              Execution.Status.FAILED,
              "",
              program.compileError().get(),
              OptionalInt.empty(),
              OptionalInt.empty(),
              Optional.of(Execution.FailureReason.COMPILE_ERROR),
              false,
              false,
              Duration.ZERO,
              clock.instant()));
    }
    return Prepared.toRun(program);
  }

  /**
   * Runs a prepared program: its compile step if any, then the program, in the sandbox. The run
   * step's output goes to {@code live}'s events as it is read, its stdin comes from {@code live}
   * when the run is interactive, and each process is shown to {@code live} so a cancel can kill it.
   */
  Execution.Result run(
      Execution execution, RegisteredRunner runner, LanguageRunner.Program program, LiveRun live) {
    Optional<WarmPool.Warm> warm =
        takeWarm(runner, program, execution.limits(), live.stdin().isPresent());
    if (warm.isPresent()) {
      return runWarm(execution, runner, program, warm.get(), live);
    }
    Path workspace = null;
    try {
      workspace = workspaces.create(execution.id());
      for (Map.Entry<String, String> file : program.files().entrySet()) {
        Path target = workspace.resolve(file.getKey());
        Files.createDirectories(target.getParent());
        Files.writeString(target, file.getValue(), StandardCharsets.UTF_8);
      }
      Limits limits = execution.limits();
      if (program.compile().isPresent()) {
        LanguageRunner.Command compile = program.compile().get();
        Duration compileTime = compile.timeLimit().orElse(limits.wallTime());
        StepOutcome compiled =
            runStep("compile", compile, limits, compileTime, "", workspace, runner, live, false);
        if (live.cancelRequested()) {
          // Killed by a cancel: its diagnostics are no program's output (the worker makes it
          // CANCELLED).
          return outcome(
              Execution.Status.FAILED,
              Optional.of(Execution.FailureReason.SIGNALED),
              compiled,
              "",
              "");
        }
        if (compiled.sandboxFailed()) {
          return sandboxFailure(execution, runner, "compile", compiled);
        }
        if (compiled.timedOut() || !compiled.exitedZero()) {
          return compileFailure(compiled);
        }
      }
      LanguageRunner.Command run = program.run().orElseThrow();
      Duration runTime = run.timeLimit().orElse(limits.wallTime());
      StepOutcome ran =
          runStep("run", run, limits, runTime, execution.stdin(), workspace, runner, live, true);
      // A cancel kills bwrap too, which then reports no exit code: no sandbox failure either.
      if (ran.sandboxFailed() && !ran.timedOut() && !live.cancelRequested()) {
        return sandboxFailure(execution, runner, "run", ran);
      }
      return classify(ran);
    } catch (IOException | RuntimeException e) {
      LOG.error(
          "sandbox could not run program execution={} language={} tier={} error={}",
          execution.id(),
          runner.id(),
          sandbox.tier(),
          e.toString(),
          e);
      return internalError();
    } finally {
      if (workspace != null) {
        Path done = workspace;
        later(() -> workspaces.delete(done));
      }
    }
  }

  /**
   * A warm process (or ready sandbox) for this run, when the runner has a pool that accepts the
   * program, and the run asks for exactly the limits the pool's processes were started with. An
   * interactive run's wall time aside, which is its own default rather than a request for other
   * limits: the engine holds the wall time ({@link ConfinedProcess#await}), not the started
   * process.
   */
  private Optional<WarmPool.Warm> takeWarm(
      RegisteredRunner runner, LanguageRunner.Program program, Limits limits, boolean interactive) {
    WarmPool pool = warmPools.get(runner.id());
    if (pool == null || !pool.accepts(program)) {
      return Optional.empty();
    }
    Limits compared = interactive ? limits.withWallTime(pool.limits().wallTime()) : limits;
    if (!compared.equals(pool.limits())) {
      return Optional.empty();
    }
    return pool.take();
  }

  /**
   * Sends the program to a waiting interpreter (or ready sandbox): header, source, then the run's
   * stdin. Every process of it is killed before the result is made.
   */
  private Execution.Result runWarm(
      Execution execution,
      RegisteredRunner runner,
      LanguageRunner.Program program,
      WarmPool.Warm warm,
      LiveRun live) {
    live.started(warm.process());
    try {
      byte[] source = program.files().values().iterator().next().getBytes(StandardCharsets.UTF_8);
      byte[] header = (source.length + "\n").getBytes(StandardCharsets.US_ASCII);
      // An interactive run's stdin, its first text included, comes from its pipe after the program.
      byte[] input =
          live.stdin().isPresent()
              ? new byte[0]
              : execution.stdin().getBytes(StandardCharsets.UTF_8);
      byte[] all = new byte[header.length + source.length + input.length];
      System.arraycopy(header, 0, all, 0, header.length);
      System.arraycopy(source, 0, all, header.length, source.length);
      System.arraycopy(input, 0, all, header.length + source.length, input.length);
      Limits limits = execution.limits();
      LanguageRunner.Command run = program.run().orElseThrow();
      Duration runTime = run.timeLimit().orElse(limits.wallTime());
      StepOutcome ran =
          supervise(warm.process(), limits, runTime, all, System.nanoTime(), Optional.of(live));
      if (ran.sandboxFailed() && !ran.timedOut() && !live.cancelRequested()) {
        return sandboxFailure(execution, runner, "warm-run", ran);
      }
      return classify(ran);
    } catch (RuntimeException e) {
      LOG.error(
          "warm process could not run program execution={} language={} tier={} error={}",
          execution.id(),
          runner.id(),
          sandbox.tier(),
          e.toString(),
          e);
      return internalError();
    } finally {
      live.stopped(warm.process());
      later(warm::close);
    }
  }

  /**
   * Clean-up after a run (its processes are already dead: removing what they leave takes a few ms),
   * done by an io thread so the result is not held back by it.
   */
  private void later(Runnable cleanUp) {
    try {
      io.execute(cleanUp);
    } catch (RejectedExecutionException e) {
      cleanUp.run(); // the engine is closing: clean up here
    }
  }

  /** The sandbox, not the program, failed: its stderr is for the operator, never the user. */
  private Execution.Result sandboxFailure(
      Execution execution, RegisteredRunner runner, String step, StepOutcome outcome) {
    LOG.error(
        "sandbox could not start program execution={} language={} tier={} step={} exit={} signal={}"
            + " detail=\"{}\"",
        execution.id(),
        runner.id(),
        sandbox.tier(),
        step,
        outcome.verdict().exitCode().orElse(-1),
        outcome.verdict().signal().orElse(0),
        outcome.stderr().text().trim());
    return internalError();
  }

  private Execution.Result internalError() {
    return Execution.Result.failedWithoutRun(
        Execution.FailureReason.INTERNAL_ERROR,
        "livecode could not run this program; the operator has the details in the server log",
        clock.instant());
  }

  /**
   * One step in a fresh sandbox; {@code streamed}: the run step, whose output and stdin are live.
   */
  private StepOutcome runStep(
      String step,
      LanguageRunner.Command command,
      Limits limits,
      Duration wallTime,
      String stdin,
      Path workspace,
      RegisteredRunner runner,
      LiveRun live,
      boolean streamed)
      throws IOException {
    LaunchSpec spec = launchSpec(step, command, limits, workspace, runner);
    long started = System.nanoTime();
    ConfinedProcess sandboxed = sandbox.start(spec);
    live.started(sandboxed);
    try {
      byte[] input =
          streamed && live.stdin().isPresent()
              ? new byte[0]
              : stdin.getBytes(StandardCharsets.UTF_8);
      return supervise(
          sandboxed,
          limits,
          wallTime,
          input,
          started,
          streamed ? Optional.of(live) : Optional.empty());
    } finally {
      live.stopped(sandboxed);
      later(sandboxed::close);
    }
  }

  /**
   * What a step is started with: the minimal environment, the runner's and the command's. Only the
   * compile step's writes must reach the host workspace: they are the program the run step starts.
   */
  static LaunchSpec launchSpec(
      String step,
      LanguageRunner.Command command,
      Limits limits,
      Path workspace,
      RegisteredRunner runner) {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", SYSTEM_PATH);
    env.put("LANG", "C.UTF-8");
    env.put("LC_ALL", "C.UTF-8");
    env.putAll(runner.settings().extraEnv());
    env.putAll(command.env());
    return new LaunchSpec(
        command.argv(),
        env,
        workspace,
        runner.probe().readOnlyPaths(),
        sandboxLimits(limits),
        step.equals("compile"));
  }

  /**
   * What of a run's limits the sandbox holds; the output cap is the engine's (see {@link
   * #supervise}).
   */
  static SandboxLimits sandboxLimits(Limits limits) {
    return new SandboxLimits(
        limits.wallTime(),
        limits.cpuTime(),
        limits.memoryBytes(),
        limits.maxProcesses(),
        limits.maxFileBytes());
  }

  /**
   * Feeds a started program its stdin, collects its output under the limits, and waits for its end
   * or its wall time; kills all of it either way. Its execution time counts from {@code started}.
   * With {@code live}, the output goes to its events as it is read and, for an interactive run,
   * stdin is {@code stdin} then what its pipe is sent, until it is closed or the run ends.
   */
  private StepOutcome supervise(
      ConfinedProcess sandboxed,
      Limits limits,
      Duration wallTime,
      byte[] stdin,
      long started,
      Optional<LiveRun> live) {
    long cap = limits.maxOutputBytes();
    OutputBuffer stdout =
        live.map(run -> new OutputBuffer(cap, run.chunks(Execution.Event.Kind.STDOUT)))
            .orElseGet(() -> new OutputBuffer(cap));
    OutputBuffer stderr =
        live.map(run -> new OutputBuffer(cap, run.chunks(Execution.Event.Kind.STDERR)))
            .orElseGet(() -> new OutputBuffer(cap));
    AtomicBoolean flooded = new AtomicBoolean();
    long floodAt = floodThreshold(limits.maxOutputBytes());
    Process process = sandboxed.process();
    Runnable onFlood =
        () -> {
          if (flooded.compareAndSet(false, true)) {
            sandboxed.killAll();
          }
        };
    Future<?> outPump = io.submit(() -> pump(process.getInputStream(), stdout, floodAt, onFlood));
    Future<?> errPump = io.submit(() -> pump(process.getErrorStream(), stderr, floodAt, onFlood));
    Optional<StdinPipe> pipe = live.flatMap(LiveRun::stdin);
    if (pipe.isPresent()) {
      pipe.get().attach(process.getOutputStream(), stdin, io);
    } else {
      feed(process.getOutputStream(), stdin);
    }
    long awaited = System.nanoTime();
    ConfinedProcess.Verdict verdict = sandboxed.await(wallTime);
    drain(outPump, process.getInputStream());
    drain(errPump, process.getErrorStream());
    Duration elapsed = Duration.ofNanos(awaited - started).plus(verdict.elapsed());
    return new StepOutcome(verdict, flooded.get(), stdout, stderr, elapsed);
  }

  private static long floodThreshold(long cap) {
    return Math.max(cap * 8, cap + 16L * 1024 * 1024);
  }

  /**
   * Writes stdin and closes it. A fresh pipe holds at least a page, so a small input is written at
   * once by this thread (no hand-off on the hot path); a larger one by an io thread, so a program
   * that does not read cannot hold this one past the wall time.
   */
  private void feed(OutputStream stdin, byte[] bytes) {
    if (bytes.length <= DIRECT_WRITE_BYTES) {
      try (stdin) {
        if (bytes.length > 0) {
          stdin.write(bytes);
        }
      } catch (IOException e) {
        // The program exited or closed stdin without reading it all: not an error.
      }
      return;
    }
    io.submit(
        () -> {
          try (stdin) {
            stdin.write(bytes);
          } catch (IOException e) {
            // The program exited or closed stdin without reading it all: not an error.
          }
          return null;
        });
  }

  private static void pump(InputStream source, OutputBuffer sink, long floodAt, Runnable onFlood) {
    byte[] chunk = new byte[16 * 1024];
    try (source) {
      int read;
      while ((read = source.read(chunk)) >= 0) {
        if (sink.append(chunk, read) > floodAt) {
          onFlood.run();
        }
      }
    } catch (IOException e) {
      // The stream was closed under us after the program was killed: what was read is kept.
    }
  }

  private static void drain(Future<?> pump, InputStream stream) {
    try {
      pump.get(DRAIN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      closeQuietly(stream);
      pump.cancel(true);
    } catch (ExecutionException e) {
      LOG.warn("output pump failed error={}", e.getCause().toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // Nothing to do: the other side is gone.
    }
  }

  private Execution.Result compileFailure(StepOutcome compiled) {
    String diagnostics = joinLines(compiled.stdout().text(), compiled.stderr().text());
    if (compiled.timedOut()) {
      return outcome(
          Execution.Status.TIMEOUT, Optional.empty(), compiled, "", withTimeoutLine(diagnostics));
    }
    return outcome(
        Execution.Status.FAILED,
        Optional.of(Execution.FailureReason.COMPILE_ERROR),
        compiled,
        "",
        diagnostics);
  }

  private Execution.Result classify(StepOutcome ran) {
    OptionalInt signal = ran.signal();
    String stdout = ran.stdout().text();
    String stderr = ran.stderr().text();
    if (ran.timedOut()
        || ran.cpuLimitHit()
        || (signal.isPresent() && signal.getAsInt() == SIGXCPU)) {
      return outcome(
          Execution.Status.TIMEOUT, Optional.empty(), ran, stdout, withTimeoutLine(stderr));
    }
    if (ran.memoryLimitHit()) {
      return outcome(
          Execution.Status.FAILED,
          Optional.of(Execution.FailureReason.MEMORY_LIMIT_EXCEEDED),
          ran,
          stdout,
          stderr);
    }
    if (ran.flooded()) {
      return outcome(
          Execution.Status.FAILED,
          Optional.of(Execution.FailureReason.OUTPUT_LIMIT_EXCEEDED),
          ran,
          stdout,
          stderr);
    }
    if (ran.exitedZero()) {
      return outcome(Execution.Status.COMPLETED, Optional.empty(), ran, stdout, stderr);
    }
    if (signal.isPresent()) {
      return outcome(
          Execution.Status.FAILED,
          Optional.of(Execution.FailureReason.SIGNALED),
          ran,
          stdout,
          stderr);
    }
    return outcome(
        Execution.Status.FAILED,
        Optional.of(Execution.FailureReason.RUNTIME_ERROR),
        ran,
        stdout,
        stderr);
  }

  private Execution.Result outcome(
      Execution.Status status,
      Optional<Execution.FailureReason> reason,
      StepOutcome step,
      String stdout,
      String stderr) {
    OptionalInt exit = step.verdict().exitCode();
    return new Execution.Result(
        status,
        stdout,
        stderr,
        exit,
        step.signal(),
        reason,
        step.stdout().truncated(),
        step.stderr().truncated(),
        step.elapsed(),
        clock.instant());
  }

  static String withTimeoutLine(String stderr) {
    if (stderr.isEmpty()) {
      return TIMED_OUT;
    }
    return stderr + (stderr.endsWith("\n") ? "" : "\n") + TIMED_OUT;
  }

  private static String joinLines(String first, String second) {
    if (first.isEmpty()) {
      return second;
    }
    if (second.isEmpty()) {
      return first;
    }
    return first + (first.endsWith("\n") ? "" : "\n") + second;
  }

  /** What a runner's prepare step gave: a program to run, or the run's result already. */
  record Prepared(Optional<LanguageRunner.Program> program, Optional<Execution.Result> result) {
    Prepared {
      if (program.isPresent() == result.isPresent()) {
        throw new IllegalArgumentException("a prepared run has a program or a result, exactly one");
      }
    }

    static Prepared toRun(LanguageRunner.Program program) {
      return new Prepared(Optional.of(program), Optional.empty());
    }

    static Prepared ended(Execution.Result result) {
      return new Prepared(Optional.empty(), Optional.of(result));
    }
  }

  /** What one step did: the sandbox's verdict, and what the engine saw of its output. */
  private record StepOutcome(
      ConfinedProcess.Verdict verdict,
      boolean flooded,
      OutputBuffer stdout,
      OutputBuffer stderr,
      Duration elapsed) {

    boolean timedOut() {
      return verdict.wallTimeExceeded();
    }

    boolean exitedZero() {
      return verdict.exitCode().equals(OptionalInt.of(0));
    }

    OptionalInt signal() {
      return verdict.signal();
    }

    boolean memoryLimitHit() {
      return verdict.memoryLimitHit();
    }

    boolean cpuLimitHit() {
      return verdict.cpuTimeExceeded();
    }

    /**
     * A program killed for its output flood is no sandbox failure, though bwrap saw no exit code.
     */
    boolean sandboxFailed() {
      return !flooded && verdict.sandboxFailed();
    }
  }
}
