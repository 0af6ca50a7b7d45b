package dev.livecode.sandbox.internal;

import java.nio.file.Path;

/**
 * A line of /proc/self/mountinfo, as far as finding a cgroup directory needs it: the run groups'
 * hierarchies ({@link Cgroups}) and the runner helpers' group find their folders the same way.
 */
record CgroupMount(String root, Path mountPoint, String fsType, String superOptions) {

  /** The mount of one mountinfo line, or null for a line that is not one. */
  static CgroupMount parse(String line) {
    String[] halves = line.split(" - ", 2);
    if (halves.length != 2) {
      return null;
    }
    String[] left = halves[0].split(" ");
    String[] right = halves[1].split(" ");
    if (left.length < 5 || right.length < 3) {
      return null;
    }
    return new CgroupMount(unescape(left[3]), Path.of(unescape(left[4])), right[0], right[2]);
  }

  /** Where the group at {@code path} (as /proc/self/cgroup names it) is in this mount. */
  public Path dirFor(String path) {
    String relative = path;
    if (!root.equals("/") && (path.equals(root) || path.startsWith(root + "/"))) {
      relative = path.substring(root.length());
    }
    relative = relative.startsWith("/") ? relative.substring(1) : relative;
    return relative.isEmpty() ? mountPoint : mountPoint.resolve(relative);
  }

  private static String unescape(String field) {
    return field
        .replace("\\040", " ")
        .replace("\\011", "\t")
        .replace("\\012", "\n")
        .replace("\\134", "\\");
  }
}
