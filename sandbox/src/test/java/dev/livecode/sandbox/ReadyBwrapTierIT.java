package dev.livecode.sandbox;

/**
 * The bwrap tier again with launch shells prepared for {@link #LIMITS}: the runs with those limits
 * start from a shell that joined its cgroups and set its rlimits before the run came, and must be
 * confined exactly as the others.
 */
class ReadyBwrapTierIT extends BwrapTierIT {

  @Override
  int preparedLaunches() {
    return 2;
  }
}
