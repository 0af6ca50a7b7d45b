package dev.livecode.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RequestWatchTest {
  private static final long HEADER = 1_000;
  private static final long REQUEST = 5_000;
  private static final long GRACE = RequestWatch.GRACE_NANOS;
  private final RequestWatch watch = new RequestWatch(Thread.currentThread(), HEADER, REQUEST, 0);

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  @Test
  void expiresHeadersOnlyAfterTheHeaderTimeoutAndTheGrace() {
    assertThat(watch.expireIfLate(HEADER + GRACE - 1)).isNull();
    assertThat(watch.expireIfLate(HEADER + GRACE)).isEqualTo(RequestWatch.Phase.HEADERS);
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
  }

  @Test
  void expiresABodyReadAfterTheRequestTimeoutAndTheGrace() {
    watch.enterHandler();
    watch.beginBody();

    assertThat(watch.expireIfLate(REQUEST + GRACE - 1)).isNull();
    assertThat(watch.expireIfLate(REQUEST + GRACE)).isEqualTo(RequestWatch.Phase.BODY);
  }

  @Test
  void neverExpiresWhileHandling() {
    watch.enterHandler();

    assertThat(watch.expireIfLate(Long.MAX_VALUE / 2)).isNull();
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void neverExpiresAfterFinish() {
    watch.finish();

    assertThat(watch.expireIfLate(Long.MAX_VALUE / 2)).isNull();
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void expiresALingerAtItsOwnDeadline() {
    watch.enterHandler();
    watch.beginLinger(100);

    assertThat(watch.expireIfLate(99)).isNull();
    assertThat(watch.expireIfLate(100)).isEqualTo(RequestWatch.Phase.LINGER);
  }

  @Test
  void aHandlerEnteredAfterExpiryIsToldAndItsInterruptCleared() {
    watch.expireIfLate(HEADER + GRACE);

    assertThat(watch.enterHandler()).isFalse();
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void aBodyExpiredWhileReadIsToldAndTheAnswerCanStillLinger() {
    watch.enterHandler();
    watch.beginBody();
    watch.expireIfLate(REQUEST + GRACE);

    assertThat(watch.endBody()).isFalse();
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
    assertThat(watch.beginLinger(REQUEST + GRACE + 100)).isTrue();
  }
}
