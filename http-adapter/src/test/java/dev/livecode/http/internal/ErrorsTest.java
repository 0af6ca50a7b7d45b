package dev.livecode.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.exception.LivecodeException;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ErrorsTest {
  private final Errors errors = new Errors(List::of);

  @Test
  void answersConflictWithTheExecutionsStatus() {
    ApiException mapped =
        errors.map(
            new LivecodeException.ExecutionConflict(UUID.randomUUID(), "COMPLETED", "ended"));

    assertThat(mapped.status()).isEqualTo(409);
    assertThat(mapped.code()).isEqualTo("EXECUTION_CONFLICT");
    assertThat(mapped.extra()).containsEntry("execution_status", "COMPLETED");
  }

  @Test
  void answersGoneForExpiredEvents() {
    ApiException mapped = errors.map(new LivecodeException.EventsExpired(UUID.randomUUID(), 7));

    assertThat(mapped.status()).isEqualTo(410);
    assertThat(mapped.code()).isEqualTo("EVENTS_EXPIRED");
    assertThat(Errors.problem(mapped)).containsEntry("title", "Gone");
  }

  @Test
  void answersTooMuchStdinWith413() {
    ApiException mapped = errors.map(LivecodeException.InvalidRequest.tooLarge("stdin", 10));

    assertThat(mapped.status()).isEqualTo(413);
  }
}
