package dev.livecode.runner.node.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Properties;

/**
 * The TypeScript compiler that ships in the {@code org.webjars.npm:typescript} jar, and the
 * transpile server script, copied once per JVM to a private temporary folder so node can load them.
 * Nothing is downloaded: without the webjar on the class path TypeScript is unavailable.
 */
public final class TypeScriptLibrary {
  private static final String POM_PROPERTIES =
      "META-INF/maven/org.webjars.npm/typescript/pom.properties";
  private static final String BUILT_WITH =
      "dev/livecode/runner/node/internal/typescript.properties";
  private static final String SERVER_SCRIPT =
      "dev/livecode/runner/node/internal/transpile-server.js";

  private static TypeScriptLibrary extracted;

  private final String version;
  private final Path typescriptJs;
  private final Path serverJs;

  private TypeScriptLibrary(String version, Path typescriptJs, Path serverJs) {
    this.version = version;
    this.typescriptJs = typescriptJs;
    this.serverJs = serverJs;
  }

  /**
   * The version of the TypeScript webjar on the class path, without extracting anything: from the
   * webjar's own Maven metadata, else the version this jar was built with, as long as the compiler
   * file of that version is there.
   */
  public static Optional<String> bundledVersion() {
    return version(POM_PROPERTIES)
        .or(() -> version(BUILT_WITH))
        .filter(version -> loader().getResource(compilerResource(version)) != null);
  }

  private static Optional<String> version(String resource) {
    try (InputStream in = loader().getResourceAsStream(resource)) {
      if (in == null) {
        return Optional.empty();
      }
      Properties properties = new Properties();
      properties.load(in);
      return Optional.ofNullable(properties.getProperty("version"))
          .map(String::strip)
          .filter(v -> !v.isEmpty() && !v.startsWith("$"));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String compilerResource(String version) {
    return "META-INF/resources/webjars/typescript/" + version + "/lib/typescript.js";
  }

  /**
   * The library, extracted on first use.
   *
   * @throws IllegalStateException when the webjar is not on the class path
   * @throws UncheckedIOException when the files cannot be written
   */
  public static synchronized TypeScriptLibrary get() {
    if (extracted != null
        && Files.isRegularFile(extracted.typescriptJs)
        && Files.isRegularFile(extracted.serverJs)) {
      return extracted;
    }
    String version =
        bundledVersion()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "org.webjars.npm:typescript is not on the class path"));
    try {
      Path dir =
          Files.createTempDirectory(
              "livecode-typescript-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      dir.toFile().deleteOnExit();
      Path typescript = copy(compilerResource(version), dir.resolve("typescript.js"));
      Path server = copy(SERVER_SCRIPT, dir.resolve("transpile-server.js"));
      extracted = new TypeScriptLibrary(version, typescript, server);
      return extracted;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not extract the TypeScript compiler: " + e.getMessage(), e);
    }
  }

  private static Path copy(String resource, Path target) throws IOException {
    try (InputStream in = loader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("resource " + resource + " is missing from the class path");
      }
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
    target.toFile().deleteOnExit();
    return target;
  }

  private static ClassLoader loader() {
    ClassLoader own = TypeScriptLibrary.class.getClassLoader();
    return own != null ? own : ClassLoader.getSystemClassLoader();
  }

  public String version() {
    return version;
  }

  public Path typescriptJs() {
    return typescriptJs;
  }

  public Path serverJs() {
    return serverJs;
  }
}
