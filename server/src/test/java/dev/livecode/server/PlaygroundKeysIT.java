package dev.livecode.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;

/**
 * The playground on a server with API keys: the page loads without one, asks for it, keeps it in
 * the browser and sends it as a Bearer token.
 */
class PlaygroundKeysIT {
  private static final String KEY = "play-0123456789abcdef0123";
  private static Path keys;
  private static ServerProcess server;
  private static Browser browser;

  @BeforeAll
  static void start() throws Exception {
    keys = Files.createTempFile("livecode-playground-keys", ".txt");
    Files.writeString(keys, "course " + KEY + "\n");
    server = ServerProcess.start(List.of(), List.of("--api-keys-file", keys.toString()));
    browser = Browser.open(server.port);
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (server != null) {
      server.close();
    }
    Files.deleteIfExists(keys);
  }

  @BeforeEach
  void forgetTheKey() {
    browser.driver.get("http://127.0.0.1:" + server.port + "/playground/icon.svg");
    browser.script("localStorage.clear()");
  }

  private static void openWithoutKey() {
    browser.driver.get("http://127.0.0.1:" + server.port + "/");
    browser.await("the key is asked for", () -> browser.find("#key-panel").isDisplayed());
  }

  @Test
  void asksForTheKeyAndRunsWithIt() {
    openWithoutKey();

    browser.find("#key").sendKeys(KEY, Keys.ENTER);
    browser.awaitReady();
    browser.find("#run").click();
    // The new session's sample asks for a name: stdin goes out with the key too.
    browser.await("the sample asks", () -> browser.text("#output").contains("Your name?"));
    browser.find("#stdin").sendKeys("Ada", Keys.ENTER);
    browser.await("it ran", () -> browser.text("#result").contains("Completed"));

    assertThat(browser.text("#output")).contains("Hello, Ada!");
    assertThat(browser.find("#key-panel").isDisplayed()).isFalse();
    assertThat(browser.find("#key-button").isDisplayed()).as("the key can be changed").isTrue();
    assertThat(browser.driver.getCurrentUrl()).doesNotContain(KEY);
    String session = browser.driver.getCurrentUrl().replaceAll(".*#s=", "");
    assertThat(server.client().withKey(KEY).get("/code-sessions/" + session).status())
        .isEqualTo(200);
    browser.screenshot("playground-keys");
  }

  @Test
  void asksAgainForAKeyTheServerRefuses() {
    openWithoutKey();

    browser.find("#key").sendKeys("not-the-key-0123456789", Keys.ENTER);
    browser.await(
        "the key is asked for again",
        () -> browser.text("#key-reason").contains("was not accepted"));

    assertThat(browser.find("#key-panel").isDisplayed()).isTrue();
    assertThat(browser.find("body").getDomAttribute("data-ready")).isNull();
  }
}
