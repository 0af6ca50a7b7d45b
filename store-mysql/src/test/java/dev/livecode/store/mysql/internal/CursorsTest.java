package dev.livecode.store.mysql.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livecode.core.exception.LivecodeException;
import org.junit.jupiter.api.Test;

class CursorsTest {
  @Test
  void decodesWhatItEncodes() {
    for (long seq : new long[] {1, 35, 36, 123_456_789, Long.MAX_VALUE}) {
      assertThat(Cursors.decode(Cursors.encode(seq))).isEqualTo(seq);
    }
  }

  @Test
  void rejectsAnythingElse() {
    for (String garbage :
        new String[] {
          "", "0", "-1", "+1", "A", "1 ", "zzzzzzzzzzzzz", "garbage", "99999999999999999999", "é"
        }) {
      assertThatThrownBy(() -> Cursors.decode(garbage))
          .as(garbage)
          .isInstanceOf(LivecodeException.InvalidRequest.class);
    }
  }
}
