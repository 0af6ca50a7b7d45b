package dev.livecode.core.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One fresh directory per execution under a private root, deleted after the run. */
public final class Workspaces {
  private static final Logger LOG = LoggerFactory.getLogger(Workspaces.class);
  private final Path root;
  private final boolean ownsRoot;

  public Workspaces(Path root) {
    this.root = root;
    this.ownsRoot = !Files.exists(root);
    try {
      Files.createDirectories(root);
      Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create workspace root " + root, e);
    }
  }

  Path root() {
    return root;
  }

  Path create(UUID executionId) throws IOException {
    // A suffix: a redelivered job may run again on this node while a stale copy is being deleted.
    return Files.createDirectory(
        root.resolve(executionId + "-" + Long.toHexString(System.nanoTime())));
  }

  /** Removes the root when the engine stops, if this engine made it. */
  void deleteRoot() {
    if (ownsRoot && Files.isDirectory(root)) {
      delete(root);
    }
  }

  void delete(Path workspace) {
    try {
      Files.walkFileTree(
          workspace,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
              Files.delete(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      LOG.warn("workspace not deleted path={} error={}", workspace, e.toString());
    }
  }
}
