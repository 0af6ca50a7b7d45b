package dev.livecode.sandbox;

/**
 * The none tier: a plain subprocess with the limits, the filter and (as root) a uid of its own; the
 * host's network and files.
 */
class NoneTierIT extends SandboxTierIT {

  @Override
  Isolation tier() {
    return Isolation.NONE;
  }

  @Override
  boolean ownNetwork() {
    return false;
  }

  @Override
  boolean privateFileView() {
    return false;
  }
}
