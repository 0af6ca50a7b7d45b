package dev.livecode.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The keys command's answers that need no database: usage and the memory store. */
class KeysCommandTest {
  private record Run(int code, String out, String err) {}

  private static Run keys(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        KeysCommand.run(
            args,
            Map.of(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void theMemoryStoreSaysToUseTheKeyFileAndExits2() {
    Run run = keys("list", "--store", "memory");

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("memory store keeps no keys").contains("--api-keys-file");
  }

  @Test
  void anUnknownCommandIsNamedAndExits2() {
    Run run = keys("rotate", "--store", "mysql", "--mysql-url", "jdbc:mysql://db/x");

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("unknown command 'rotate'").contains("usage:");
  }

  @Test
  void createWithoutATenantOrWithABadOptionExits2BeforeTouchingTheStore() {
    String[] store = {"--store", "mysql", "--mysql-url", "jdbc:mysql://unreachable.invalid/x"};

    Run noTenant = keys(concat(new String[] {"create"}, store));
    Run badOption = keys(concat(new String[] {"create", "t", "concurrent_runs=0"}, store));
    Run badTenant = keys(concat(new String[] {"create", "no/slashes"}, store));

    assertThat(noTenant.code()).isEqualTo(2);
    assertThat(noTenant.err()).contains("needs a tenant");
    assertThat(badOption.code()).isEqualTo(2);
    assertThat(badOption.err()).contains("concurrent_runs must be a positive integer");
    assertThat(badTenant.code()).isEqualTo(2);
    assertThat(badTenant.err()).contains("a tenant is 1 to 128");
  }

  @Test
  void noCommandAndExtraArgumentsExit2() {
    assertThat(keys().code()).isEqualTo(2);
    assertThat(keys("list", "extra", "--store", "memory").err())
        .contains("keys list takes no arguments");
    assertThat(keys("revoke", "--store", "memory").err()).contains("keys revoke takes one key id");
  }

  @Test
  void helpPrintsTheUsageAndExits0() {
    Run run = keys("--help");

    assertThat(run.code()).isZero();
    assertThat(run.out()).contains("keys create <tenant>").contains("keys revoke <id>");
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
