package dev.livecode.sandbox;

/** The unshare tier: namespaces of its own, the host's file view. */
class UnshareTierIT extends SandboxTierIT {

  @Override
  Isolation tier() {
    return Isolation.UNSHARE;
  }

  @Override
  boolean ownNetwork() {
    return true;
  }

  @Override
  boolean privateFileView() {
    return false;
  }
}
