package dev.livecode.sandbox;

/** How strongly programs are confined; see the README for what each tier guarantees. */
public enum Isolation {
  /** The strongest tier available on this host. */
  AUTO,
  /** bubblewrap: own user, PID, network, IPC, UTS and mount namespaces; read-only system. */
  BWRAP,
  /**
   * util-linux unshare: own network and PID namespaces and rlimits; shares the host's file view.
   */
  UNSHARE,
  /** A plain subprocess with rlimits. Only when asked for explicitly. */
  NONE
}
