package dev.livecode.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.http.Authenticator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyDigestsTest {

  private static KeyDigests.Entry entry(String key, String tenant) {
    return new KeyDigests.Entry(
        KeyDigests.sha256(key.getBytes(StandardCharsets.UTF_8)),
        new Authenticator.Tenant(tenant, false));
  }

  @Test
  void findsTheTenantOfAKeyAmongThousands() {
    List<KeyDigests.Entry> entries = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      entries.add(entry("key-number-" + i + "-0123456789", "t" + i));
    }
    KeyDigests keys = new KeyDigests(entries);

    assertThat(keys.find("key-number-4321-0123456789")).map(t -> t.id()).contains("t4321");
    assertThat(keys.summary()).isEqualTo("keys=5000 tenants=5000");
  }

  @Test
  void aKeyThatIsNoneOfThemFindsNothingNorDoesAPrefixOfOne() {
    KeyDigests keys = new KeyDigests(List.of(entry("the-only-key-0123456789", "t")));

    assertThat(keys.find("the-only-key-012345678")).isEmpty();
    assertThat(keys.find("the-only-key-0123456789 ")).isEmpty();
    assertThat(keys.find("THE-ONLY-KEY-0123456789")).isEmpty();
  }
}
