package dev.livecode.store.mysql.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JdbcUrlsTest {
  @Test
  void masksPasswordProperties() {
    assertThat(JdbcUrls.mask("jdbc:mysql://db:3306/lc?user=app&password=s3cret&useSSL=true"))
        .isEqualTo("jdbc:mysql://db:3306/lc?user=app&password=****&useSSL=true");
    assertThat(JdbcUrls.mask("jdbc:mysql://db/lc?PASSWORD=s3cret"))
        .isEqualTo("jdbc:mysql://db/lc?PASSWORD=****");
    assertThat(JdbcUrls.mask("jdbc:mysql://db/lc?password1=a&password2=b"))
        .doesNotContain("=a", "=b");
  }

  @Test
  void masksPasswordsInUserInfo() {
    assertThat(JdbcUrls.mask("jdbc:mysql://app:s3cret@db:3306/lc"))
        .isEqualTo("jdbc:mysql://app:****@db:3306/lc");
  }

  @Test
  void leavesUrlsWithoutPasswordsAlone() {
    assertThat(JdbcUrls.mask("jdbc:mysql://127.0.0.1:3306/test"))
        .isEqualTo("jdbc:mysql://127.0.0.1:3306/test");
  }

  @Test
  void namesTheAddressWithTheDefaultPort() {
    assertThat(JdbcUrls.address("jdbc:mysql://127.0.0.1:3306/test")).isEqualTo("127.0.0.1:3306");
    assertThat(JdbcUrls.address("jdbc:mysql://db.internal/test?x=y")).isEqualTo("db.internal:3306");
    assertThat(JdbcUrls.address("jdbc:mysql://app:pw@db:3307")).isEqualTo("db:3307");
  }

  @Test
  void findsTheUserInTheUrl() {
    assertThat(JdbcUrls.userIn("jdbc:mysql://db/lc?user=app&password=x")).isEqualTo("app");
    assertThat(JdbcUrls.userIn("jdbc:mysql://app:pw@db/lc")).isEqualTo("app");
    assertThat(JdbcUrls.userIn("jdbc:mysql://db/lc")).isEmpty();
  }
}
