package dev.livecode.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Text is weighed as compact strings keep it. */
class MemoryBudgetTest {

  @Test
  void weighsLatin1TextOneBytePerCharacter() {
    assertThat(MemoryBudget.textBytes("héllo ÿ")).isEqualTo(7);
  }

  @Test
  void weighsTextWithAnyOtherCharacterTwoBytesPerCharacter() {
    assertThat(MemoryBudget.textBytes("hello 😀")).isEqualTo(2 * 8);
  }
}
