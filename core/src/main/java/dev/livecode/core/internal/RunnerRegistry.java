package dev.livecode.core.internal;

import dev.livecode.core.LanguageInfo;
import dev.livecode.core.exception.LivecodeException;
import dev.livecode.core.spi.LanguageRunner;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The languages of one engine: discovered once, explicit ones winning, each probed once. */
public final class RunnerRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(RunnerRegistry.class);
  private final Map<String, RegisteredRunner> byId;

  /** Where runners put their helper processes: given again to a runner probed a second time. */
  private final LanguageRunner.HelperProcesses helpers;

  private final Map<String, RegisteredRunner> byName = new LinkedHashMap<>();

  private RunnerRegistry(
      Map<String, RegisteredRunner> byId, LanguageRunner.HelperProcesses helpers) {
    this.byId = byId;
    this.helpers = helpers;
    for (RegisteredRunner runner : byId.values()) {
      for (String name : runner.names()) {
        RegisteredRunner clash = byName.putIfAbsent(name.toLowerCase(Locale.ROOT), runner);
        if (clash != null && clash != runner) {
          throw new LivecodeException.RunnerDiscovery(
              "language name '"
                  + name
                  + "' is claimed by both "
                  + clash.runner().getClass().getName()
                  + " and "
                  + runner.runner().getClass().getName());
        }
      }
    }
  }

  /**
   * Discovers runners on the class path (unless {@code discover} is false), lets explicit ones
   * replace discovered ones of the same id, and probes each once, handing it where its helper
   * processes go.
   */
  public static RunnerRegistry create(
      boolean discover,
      Collection<LanguageRunner> explicit,
      Map<String, LanguageRunner.Settings> settings,
      ClassLoader loader,
      LanguageRunner.HelperProcesses helpers) {
    Map<String, LanguageRunner> runners = new LinkedHashMap<>();
    if (discover) {
      for (LanguageRunner runner : discover(loader)) {
        LanguageRunner earlier = runners.putIfAbsent(runner.id(), runner);
        if (earlier != null) {
          throw new LivecodeException.RunnerDiscovery(
              "two runners on the class path claim language '"
                  + runner.id()
                  + "': "
                  + earlier.getClass().getName()
                  + " and "
                  + runner.getClass().getName()
                  + "; remove one jar");
        }
        LOG.info(
            "runner discovered language={} class={}", runner.id(), runner.getClass().getName());
      }
    }
    for (LanguageRunner runner : explicit) {
      runners.put(runner.id(), runner);
      LOG.info("runner registered language={} class={}", runner.id(), runner.getClass().getName());
    }
    Map<String, RegisteredRunner> probed = new LinkedHashMap<>();
    for (LanguageRunner runner : runners.values()) {
      LanguageRunner.Settings own =
          settings.getOrDefault(runner.id(), LanguageRunner.Settings.DEFAULTS);
      LanguageRunner.Probe probe = probe(runner, own, helpers);
      if (probe.available()) {
        LOG.info(
            "language ready language={} version={} executable={}",
            runner.id(),
            probe.version(),
            probe.executable().map(Object::toString).orElse("-"));
      } else {
        LOG.warn(
            "language unavailable language={} reason=\"{}\"",
            runner.id(),
            probe.unavailableReason().orElse(""));
      }
      probed.put(runner.id(), new RegisteredRunner(runner, probe, own));
    }
    return new RunnerRegistry(probed, helpers);
  }

  private static List<LanguageRunner> discover(ClassLoader loader) {
    List<LanguageRunner> found = new ArrayList<>();
    try {
      for (LanguageRunner runner : ServiceLoader.load(LanguageRunner.class, loader)) {
        found.add(runner);
      }
    } catch (ServiceConfigurationError e) {
      throw new LivecodeException.RunnerDiscovery(
          "a language runner on the class path could not be loaded: " + e.getMessage(), e);
    }
    return found;
  }

  private static LanguageRunner.Probe probe(
      LanguageRunner runner,
      LanguageRunner.Settings settings,
      LanguageRunner.HelperProcesses helpers) {
    try {
      return runner.probe(settings, helpers);
    } catch (RuntimeException e) {
      LOG.warn("runner probe failed language={} error={}", runner.id(), e.toString());
      return LanguageRunner.Probe.unavailable("probe failed: " + e.getMessage());
    }
  }

  /**
   * This registry as the sandbox can run it: a runner whose interpreter the sandbox cannot show (a
   * pyenv Python under a private /root, out of reach of the programs' own uids) is probed again
   * with the same interpreter from the system folders, when the operator did not name an
   * interpreter; when none fits it is reported unavailable, with the sandbox's reason.
   */
  public RunnerRegistry reachableIn(dev.livecode.sandbox.Sandbox sandbox) {
    Map<String, RegisteredRunner> checked = new LinkedHashMap<>();
    for (RegisteredRunner runner : byId.values()) {
      Optional<String> why =
          runner.probe().available()
              ? sandbox.unreachable(runner.probe().readOnlyPaths())
              : Optional.empty();
      if (why.isEmpty()) {
        checked.put(runner.id(), runner);
        continue;
      }
      Optional<RegisteredRunner> fallback =
          runner.settings().interpreter().isEmpty()
              ? systemInterpreter(runner, sandbox, why.get(), helpers)
              : Optional.empty();
      if (fallback.isPresent()) {
        checked.put(runner.id(), fallback.get());
      } else {
        LOG.warn(
            "language unavailable in this sandbox language={} tier={} reason=\"{}\"",
            runner.id(),
            sandbox.tier(),
            why.get());
        checked.put(
            runner.id(),
            new RegisteredRunner(
                runner.runner(), LanguageRunner.Probe.unavailable(why.get()), runner.settings()));
      }
    }
    return new RunnerRegistry(checked, helpers);
  }

  /** Folders searched for an interpreter every uid can reach. */
  private static final List<String> SYSTEM_BIN = List.of("/usr/local/bin", "/usr/bin", "/bin");

  /**
   * The runner probed with the first system interpreter of the same name (python3.11, then python3)
   * that the sandbox can reach.
   */
  private static Optional<RegisteredRunner> systemInterpreter(
      RegisteredRunner runner,
      dev.livecode.sandbox.Sandbox sandbox,
      String why,
      LanguageRunner.HelperProcesses helpers) {
    Optional<java.nio.file.Path> unreachable = runner.probe().executable();
    if (unreachable.isEmpty()) {
      return Optional.empty();
    }
    String name = unreachable.get().getFileName().toString();
    List<String> names = new ArrayList<>(List.of(name));
    String unversioned = name.replaceFirst("\\.\\d+$", "");
    if (!unversioned.equals(name)) {
      names.add(unversioned);
    }
    for (String candidateName : names) {
      for (String dir : SYSTEM_BIN) {
        java.nio.file.Path candidate = java.nio.file.Path.of(dir, candidateName);
        if (!java.nio.file.Files.isExecutable(candidate)) {
          continue;
        }
        LanguageRunner.Settings settings = runner.settings().withInterpreter(candidate);
        LanguageRunner.Probe probe = probe(runner.runner(), settings, helpers);
        if (probe.available() && sandbox.unreachable(probe.readOnlyPaths()).isEmpty()) {
          String note =
              "using "
                  + probe.executable().map(Object::toString).orElse(candidate.toString())
                  + " ("
                  + unreachable.get()
                  + " is out of the sandbox's reach: "
                  + why
                  + ")";
          // A choice made, not a degradation: the language runs; /languages carries the same note.
          LOG.info(
              "language interpreter replaced language={} tier={} interpreter={} instead_of={} version={}",
              runner.id(),
              sandbox.tier(),
              probe.executable().orElse(candidate),
              unreachable.get(),
              probe.version());
          // The operator's settings stay as they were: the interpreter is the fallback's own
          // choice.
          return Optional.of(
              new RegisteredRunner(runner.runner(), probe, settings, Optional.of(note)));
        }
      }
    }
    return Optional.empty();
  }

  /** The runner for an id or alias, case-insensitive. */
  Optional<RegisteredRunner> find(String name) {
    return Optional.ofNullable(byName.get(name.toLowerCase(Locale.ROOT)));
  }

  /**
   * @throws LivecodeException.UnsupportedLanguage for an unknown name
   */
  RegisteredRunner resolve(String name) {
    return find(name)
        .orElseThrow(
            () -> new LivecodeException.UnsupportedLanguage(name, List.copyOf(byId.keySet())));
  }

  /**
   * @throws LivecodeException.UnsupportedLanguage when unknown or not available here
   */
  RegisteredRunner resolveAvailable(String name) {
    RegisteredRunner runner = resolve(name);
    if (!runner.probe().available()) {
      throw new LivecodeException.UnsupportedLanguage(
          runner.id(), runner.probe().unavailableReason().orElse("its interpreter was not found"));
    }
    return runner;
  }

  List<LanguageInfo> infos() {
    return byId.values().stream().map(RegisteredRunner::info).toList();
  }

  Collection<RegisteredRunner> all() {
    return byId.values();
  }
}
