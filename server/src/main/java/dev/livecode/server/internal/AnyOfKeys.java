package dev.livecode.server.internal;

import dev.livecode.http.Authenticator;
import java.util.List;
import java.util.Optional;

/** Keys from several places (the key file and the store): a key valid in any of them is valid. */
final class AnyOfKeys implements Authenticator {
  private final List<Authenticator> sources;

  AnyOfKeys(List<Authenticator> sources) {
    this.sources = List.copyOf(sources);
  }

  @Override
  public Optional<Tenant> authenticate(String key) {
    for (Authenticator source : sources) {
      Optional<Tenant> tenant = source.authenticate(key);
      if (tenant.isPresent()) {
        return tenant;
      }
    }
    return Optional.empty();
  }
}
