package dev.livecode.server;

import ch.qos.logback.classic.LoggerContext;
import dev.livecode.core.exception.LivecodeException;
import dev.livecode.server.internal.ConfigException;
import dev.livecode.server.internal.KeysCommand;
import dev.livecode.server.internal.Options;
import dev.livecode.server.internal.RunningServer;
import dev.livecode.server.internal.Secrets;
import dev.livecode.server.internal.ServerConfig;
import dev.livecode.server.internal.ServerLauncher;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * The standalone server: {@code java -jar livecode-server.jar [flags]}. {@code --help} lists every
 * flag with its environment variable and default.
 *
 * <p>Exit codes: 0 after {@code --help} or a clean shutdown, 1 when the server cannot start (the
 * database or Redis unreachable, the port taken), 2 for a bad flag.
 *
 * <p>{@code java -jar livecode-server.jar keys create|list|revoke ...} manages the API keys kept in
 * the store instead of starting the server: see {@link KeysCommand}.
 */
public final class Main {
  /** Exit code of a server that could not start. */
  public static final int EXIT_START_FAILED = 1;

  /** Exit code of a bad flag or variable. */
  public static final int EXIT_USAGE = 2;

  private Main() {}

  public static void main(String[] args) {
    // The server's logging setup under its own name, so that embedders of this module never get
    // a logback.xml they did not ask for. Set before the first logger exists.
    boolean keys = args.length > 0 && args[0].equals(KeysCommand.NAME);
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty(
          "logback.configurationFile",
          keys ? "livecode-keys-logback.xml" : "livecode-server-logback.xml");
    }
    if (keys) {
      System.exit(
          KeysCommand.run(
              Arrays.copyOfRange(args, 1, args.length), System.getenv(), System.out, System.err));
    }
    int code = start(args, System.getenv(), System.out, System.err);
    if (code >= 0) {
      stopLogging();
      System.exit(code);
    }
    // Running: the HTTP threads keep the JVM alive until SIGTERM runs the shutdown hook.
  }

  /** Starts the server; returns an exit code, or -1 when the server is running. */
  static int start(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    ServerConfig config;
    try {
      config = ServerConfig.parse(args, env);
    } catch (ServerConfig.HelpRequested e) {
      out.print(Options.help());
      return 0;
    } catch (ConfigException e) {
      err.println("livecode: " + e.getMessage());
      return EXIT_USAGE;
    }
    RunningServer server;
    try {
      server = ServerLauncher.launch(config);
    } catch (ConfigException | IllegalArgumentException e) {
      err.println("livecode: " + e.getMessage());
      return EXIT_USAGE;
    } catch (LivecodeException | UncheckedIOException e) {
      err.println("livecode: cannot start: " + oneLine(e));
      return EXIT_START_FAILED;
    } catch (RuntimeException e) {
      err.println("livecode: cannot start: " + oneLine(e));
      return EXIT_START_FAILED;
    }
    Thread hook =
        new Thread(
            () -> {
              try {
                server.close();
              } finally {
                stopLogging();
              }
            },
            "livecode-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    return -1;
  }

  /**
   * Writes the log lines still queued: the server's logging configuration hands them to a writer
   * thread, which would otherwise die with the JVM holding the last ones (the shutdown's own).
   */
  private static void stopLogging() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.stop();
    }
  }

  private static String oneLine(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return Secrets.maskUrl(message.replace('\n', ' ').replace('\r', ' '));
  }
}
