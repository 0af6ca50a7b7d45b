package dev.livecode.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livecode.http.Authenticator;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class KeyOptionsTest {

  @Test
  void readsTheEventStreamsQuotaAndTheCapsOnLimits() {
    Authenticator.Tenant tenant =
        KeyOptions.tenant(
            "course",
            List.of(
                "event_streams=3",
                "max_wall_time_ms=1500",
                "max_memory_mb=64",
                "cap_max_output_bytes=1000"));

    assertThat(tenant.quota().eventStreams()).isEqualTo(OptionalInt.of(3));
    assertThat(tenant.caps().wallTime()).contains(Duration.ofMillis(1500));
    assertThat(tenant.caps().memoryBytes()).hasValue(64L * 1024 * 1024);
    assertThat(tenant.caps().maxOutputBytes()).hasValue(1000);
    assertThat(tenant.caps().cpuTime()).isEmpty();
  }

  @Test
  void refusesACapThatIsNotAPositiveInteger() {
    assertThatThrownBy(() -> KeyOptions.tenant("t", List.of("max_wall_time_ms=0")))
        .hasMessage("max_wall_time_ms must be a positive integer");
    assertThatThrownBy(() -> KeyOptions.tenant("t", List.of("event_streams=x")))
        .hasMessage("event_streams must be a positive integer");
  }

  @Test
  void namesEveryKnownOptionForAnUnknownOne() {
    assertThatThrownBy(() -> KeyOptions.tenant("t", List.of("max_wall_time=5")))
        .hasMessageContaining("unknown option 'max_wall_time'")
        .hasMessageContaining("max_wall_time_ms")
        .hasMessageContaining("event_streams");
  }
}
