package dev.livecode.sandbox.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host uids that programs run as when the server is root: one per program at a time, taken from
 * a range (isolate's per-box uids are the model), so no two programs running at once share a uid
 * and none is ever host root. A uid is also locked in a file under a root-only folder, so that two
 * servers on one host with overlapping ranges still never hand out the same uid at once. When every
 * uid is in use, {@link #acquire} waits.
 */
final class SandboxUids {
  private static final Logger LOG = LoggerFactory.getLogger(SandboxUids.class);

  private final int first;
  private final int count;
  private final Path lockDir;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition released = lock.newCondition();
  private final BitSet inUse;
  private int next;

  /**
   * @throws IllegalArgumentException when the range is out of bounds or holds a uid or gid that
   *     names an account on this host (a program would get that account's files)
   */
  SandboxUids(int first, int count, Path lockDir) {
    if (first < 1000 || count < 1 || (long) first + count > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "sandbox uid range must start at 1000 or above and hold at least one uid, was "
              + first
              + "+"
              + count);
    }
    this.first = first;
    this.count = count;
    this.lockDir = lockDir;
    this.inUse = new BitSet(count);
    checkNoAccountIn("/etc/passwd");
    checkNoAccountIn("/etc/group");
    try {
      Files.createDirectories(lockDir);
      Files.setPosixFilePermissions(lockDir, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the sandbox uid lock folder " + lockDir, e);
    }
  }

  /** The default lock folder: under /run when it is writable (root), else the temporary folder. */
  static Path defaultLockDir() {
    Path run = Path.of("/run");
    Path base =
        Files.isDirectory(run) && Files.isWritable(run)
            ? run
            : Path.of(System.getProperty("java.io.tmpdir"));
    return base.resolve("livecode-uids");
  }

  int first() {
    return first;
  }

  int count() {
    return count;
  }

  /** A uid no other program holds, waiting for one when all are in use. */
  Lease acquire() {
    lock.lock();
    try {
      while (true) {
        for (int tried = 0; tried < count; tried++) {
          int index = (next + tried) % count;
          if (inUse.get(index)) {
            continue;
          }
          Optional<FileLock> fileLock = lockFile(first + index);
          if (fileLock.isPresent()) {
            inUse.set(index);
            next = (index + 1) % count;
            return new Lease(this, first + index, fileLock.get());
          }
        }
        LOG.warn(
            "sandbox uids all in use first={} count={}; waiting for a run to end", first, count);
        released.awaitUninterruptibly();
      }
    } finally {
      lock.unlock();
    }
  }

  private Optional<FileLock> lockFile(int uid) {
    try {
      FileChannel channel =
          FileChannel.open(
              lockDir.resolve(Integer.toString(uid)),
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE);
      try {
        FileLock held = channel.tryLock();
        if (held == null) {
          channel.close();
          return Optional.empty();
        }
        return Optional.of(held);
      } catch (OverlappingFileLockException | IOException e) {
        channel.close();
        return Optional.empty();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock sandbox uid " + uid + " in " + lockDir, e);
    }
  }

  private void release(int uid, FileLock fileLock) {
    try {
      fileLock.channel().close();
    } catch (IOException e) {
      LOG.debug("sandbox uid lock not closed uid={} error={}", uid, e.toString());
    }
    lock.lock();
    try {
      inUse.clear(uid - first);
      released.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void checkNoAccountIn(String file) {
    try {
      for (String line : Files.readAllLines(Path.of(file))) {
        List<String> fields = List.of(line.split(":", -1));
        if (fields.size() < 3) {
          continue;
        }
        try {
          long id = Long.parseLong(fields.get(2));
          if (id >= first && id < (long) first + count) {
            throw new IllegalArgumentException(
                "sandbox uid range "
                    + first
                    + "-"
                    + (first + count - 1)
                    + " holds id "
                    + id
                    + " of '"
                    + fields.get(0)
                    + "' in "
                    + file
                    + "; choose a range no account uses");
          }
        } catch (NumberFormatException e) {
          // A malformed line names no id.
        }
      }
    } catch (IOException e) {
      LOG.debug("account file not read file={} error={}", file, e.toString());
    }
  }

  /**
   * Kills every process running as {@code uid}: for a tier without a PID namespace, where a
   * program's child could outlive it (setsid and double fork, no cgroup) and would otherwise be
   * there when the uid goes to the next program.
   */
  static void killProcessesOf(int uid) {
    String wanted = Integer.toString(uid);
    ProcessHandle.allProcesses()
        .forEach(
            process -> {
              try {
                String status =
                    Files.readString(Path.of("/proc", Long.toString(process.pid()), "status"));
                for (String line : status.split("\n")) {
                  if (line.startsWith("Uid:")) {
                    String[] ids = line.split("\\s+");
                    if (ids.length > 1 && ids[1].equals(wanted)) {
                      process.destroyForcibly();
                    }
                    break;
                  }
                }
              } catch (IOException | RuntimeException e) {
                // Gone meanwhile.
              }
            });
  }

  /** One uid held by one program until closed. */
  static final class Lease implements AutoCloseable {
    private final SandboxUids owner;
    private final int uid;
    private final FileLock fileLock;
    private boolean closed;

    private Lease(SandboxUids owner, int uid, FileLock fileLock) {
      this.owner = owner;
      this.uid = uid;
      this.fileLock = fileLock;
    }

    int uid() {
      return uid;
    }

    /** Gives the uid back; call only when no process of it is left. */
    @Override
    public synchronized void close() {
      if (!closed) {
        closed = true;
        owner.release(uid, fileLock);
      }
    }
  }
}
