package dev.livecode.store.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.livecode.core.spi.Store;
import dev.livecode.core.spi.Store.ApiKeys.StoredKey;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The MySQL store keeps API keys as digests, lists them, and revokes each once. */
class MySqlApiKeysIT {
  @RegisterExtension static final MySqlTestStore DB = new MySqlTestStore();

  private static final Instant CREATED = Instant.parse("2026-01-02T03:04:05.123456Z");

  private Store.ApiKeys keys() {
    return DB.store().apiKeys().orElseThrow();
  }

  private static StoredKey key(String id, char digit) {
    return new StoredKey(
        id,
        "tenant-" + id,
        String.valueOf(digit).repeat(64),
        "lck_ab",
        "concurrent_runs=2",
        CREATED,
        Optional.empty());
  }

  @Test
  void aStoredKeyIsListedAndActiveAsItWasGiven() {
    keys().insert(key("k1", 'a'));

    assertThat(keys().list()).containsExactly(key("k1", 'a'));
    assertThat(keys().active()).containsExactly(key("k1", 'a'));
  }

  @Test
  void aRevokedKeyLeavesTheActiveKeysButStaysListedWithItsTime() {
    keys().insert(key("k1", 'a'));
    keys().insert(key("k2", 'b'));
    Instant at = CREATED.plus(1, ChronoUnit.HOURS);

    assertThat(keys().revoke("k1", at)).isTrue();

    assertThat(keys().active()).extracting(StoredKey::id).containsExactly("k2");
    assertThat(keys().list())
        .extracting(StoredKey::id, StoredKey::revokedAt)
        .containsExactly(tuple("k1", Optional.of(at)), tuple("k2", Optional.empty()));
  }

  @Test
  void revokingTwiceOrAnUnknownIdChangesNothing() {
    keys().insert(key("k1", 'a'));
    Instant at = CREATED.plus(1, ChronoUnit.HOURS);
    keys().revoke("k1", at);

    assertThat(keys().revoke("k1", at.plusSeconds(60))).isFalse();
    assertThat(keys().revoke("nope", at)).isFalse();
    assertThat(keys().list().get(0).revokedAt()).contains(at);
  }

  @Test
  void aSecondKeyWithTheSameDigestIsRefused() {
    keys().insert(key("k1", 'a'));

    assertThatThrownBy(() -> keys().insert(key("k2", 'a')))
        .isInstanceOf(IllegalStateException.class);
    assertThat(keys().list()).hasSize(1);
  }
}
