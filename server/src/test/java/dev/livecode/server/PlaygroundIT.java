package dev.livecode.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.http.testing.HttpClientSupport;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * The playground page in headless Chromium against the server jar: what a newcomer does at {@code
 * http://localhost:1409/}. One server and one browser for the class; each test opens its own code
 * session and saves a screenshot under target/screenshots.
 */
class PlaygroundIT {
  private static ServerProcess server;
  private static HttpClientSupport http;
  private static Browser browser;

  @BeforeAll
  static void start() throws Exception {
    // Short limits for runs without input (the page's interactive runs keep their own 60 s), so
    // that a timeout and cut output take a second, not five.
    server =
        ServerProcess.start(
            List.of(), List.of("--wall-time-ms", "1500", "--max-output-bytes", "4096"));
    http = server.client();
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
  }

  @BeforeEach
  void desktopSize() {
    browser.size(1280, 900);
  }

  private static String open(String language, String source) {
    String session = http.createSession(language, source);
    browser.load("/#s=" + session);
    return session;
  }

  private static void run() {
    browser.find("#run").click();
  }

  private static void awaitResult(String text) {
    browser.await("result says " + text, () -> browser.text("#result").contains(text));
  }

  @Test
  void showsTheFirstLineBeforeTheSecondIsPrinted() {
    open(
        "python",
        "import time\nprint('First', flush=True)\ntime.sleep(0.75)\nprint('Second', flush=True)\n");

    run();
    browser.await("First is shown", () -> browser.text("#output").contains("First"));
    String whenFirstShown = browser.text("#output");
    awaitResult("Completed");

    assertThat(whenFirstShown).doesNotContain("Second");
    assertThat(browser.text("#output")).contains("First\nSecond");
    browser.screenshot("playground-streaming");
  }

  @Test
  void answersInputFromThePage() {
    open("python", "name = input('Name? ')\nprint('Hello, ' + name)\n");

    run();
    browser.await("the prompt is shown", () -> browser.text("#output").contains("Name?"));
    WebElement stdin = browser.find("#stdin");
    stdin.sendKeys("Ada", Keys.ENTER);
    awaitResult("Completed");

    assertThat(browser.text("#output")).contains("Hello, Ada");
    browser.screenshot("playground-input");
  }

  @Test
  void stopEndsAnInfiniteLoop() {
    open("python", "print('looping', flush=True)\nwhile True: pass\n");

    run();
    browser.await("it runs", () -> browser.text("#output").contains("looping"));
    browser.find("#stop").click();
    awaitResult("Stopped");

    assertThat(browser.text("#result")).contains("you cancelled it");
    assertThat(browser.find("#stop").isEnabled()).isFalse();
    browser.screenshot("playground-stop");
  }

  @Test
  void explainsATimeoutInWords() {
    open("python", "import time\nprint('waiting', flush=True)\ntime.sleep(30)\n");
    browser.find("#interactive").click();

    run();
    awaitResult("Timed out");

    assertThat(browser.text("#result")).contains("ran longer than its time limit (TIMEOUT)");
    assertThat(browser.text("#output")).contains("waiting", "Execution Timed Out");
    browser.find("#interactive").click();
    browser.screenshot("playground-timeout");
  }

  @Test
  void saysWhenOutputWasCut() {
    open("python", "print('x' * 10000)\n");
    browser.find("#interactive").click();

    run();
    browser.await(
        "the run ended",
        () ->
            !browser.find("#stop").isEnabled()
                && browser.text("#result").contains("Output was cut"));

    assertThat(browser.text("#result")).contains("only the first part of stdout was kept");
    browser.find("#interactive").click();
    browser.screenshot("playground-truncated");
  }

  @Test
  void autosaveSurvivesAReload() {
    String session = open("python", "");

    browser.editorContent().click();
    browser.editorContent().sendKeys("print('kept')");
    browser.await("saved", () -> browser.text("#save-state").contains("Saved (version 2)"));
    browser.driver.navigate().refresh();
    browser.awaitReady();

    assertThat(browser.editorText()).isEqualTo("print('kept')");
    assertThat(http.get("/code-sessions/" + session).body().get("source_code").asText())
        .isEqualTo("print('kept')");
    browser.screenshot("playground-autosave");
  }

  @Test
  void showsAConflictWithAnotherTabInsteadOfOverwritingIt() {
    String session = open("python", "print(1)");
    http.patch("/code-sessions/" + session, HttpClientSupport.object("source_code", "other tab"));

    browser.editorContent().sendKeys(Keys.END, " # mine");
    browser.await("conflict shown", () -> browser.find("#conflict").isDisplayed());

    assertThat(browser.text("#conflict-text")).contains("changed somewhere else");
    assertThat(http.get("/code-sessions/" + session).body().get("source_code").asText())
        .isEqualTo("other tab");
    browser.screenshot("playground-conflict");
  }

  @Test
  void marksATypeScriptCompileErrorOnItsLine() {
    // Types are erased, not checked: a syntax error is what fails to compile.
    open("typescript", "const a: number = 1;\nconst n: number = ;\nconsole.log(a, n);\n");

    run();
    awaitResult("did not compile");
    browser.await("an error is marked", () -> browser.markedErrorLine() > 0);

    assertThat(browser.markedErrorLine()).isEqualTo(2);
    assertThat(browser.text("#output")).contains("main.ts(2,");
    browser.screenshot("playground-typescript-error");
  }

  @Test
  void marksThePythonTracebackLine() {
    open("python", "x = 1\ny = x / 0\nprint(y)\n");

    run();
    awaitResult("Failed");
    browser.await("an error is marked", () -> browser.markedErrorLine() > 0);

    assertThat(browser.markedErrorLine()).isEqualTo(2);
    browser.screenshot("playground-python-error");
  }

  @Test
  void historyReopensAnEarlierRun() {
    open("python", "print('first run')\n");
    run();
    awaitResult("Completed");
    browser.editorContent().click();
    browser.editorContent().sendKeys(Keys.chord(Keys.CONTROL, "a"), "print('second run')");
    run();
    awaitResult("Completed");
    browser.await(
        "two runs listed",
        () ->
            browser
                    .driver
                    .findElements(org.openqa.selenium.By.cssSelector("#history button"))
                    .size()
                == 2);
    assertThat(browser.text("#output")).contains("second run");

    browser.find("#history li:last-child button").click();
    browser.await("the first run is shown", () -> browser.text("#output").contains("first run"));

    assertThat(browser.text("#output")).doesNotContain("second run");
    assertThat(browser.text("#result")).startsWith("Run 1 (earlier): Completed");
    assertThat(browser.find("#history li:last-child button").getDomAttribute("aria-current"))
        .isEqualTo("true");
    browser.screenshot("playground-history");
  }

  @Test
  void loadsAndRunsWithoutConsoleErrors() {
    browser.consoleErrors();
    open("javascript", "console.log('quiet');\n");

    run();
    awaitResult("Completed");

    assertThat(browser.consoleErrors()).isEmpty();
  }

  @Test
  void isReadableOnAPhoneSizedScreen() {
    browser.size(375, 812);
    open("python", "print('small screen')\n");

    run();
    awaitResult("Completed");

    long viewport = (Long) browser.script("return document.documentElement.clientWidth");
    long page = (Long) browser.script("return document.documentElement.scrollWidth");
    assertThat(page).as("no sideways scrolling").isLessThanOrEqualTo(viewport);
    assertThat(browser.find("#run").isDisplayed()).isTrue();
    assertThat(browser.find("#output").getRect().getWidth()).isLessThanOrEqualTo((int) viewport);
    browser.screenshot("playground-phone");
  }

  @Test
  void runsWithTheKeyboardAlone() {
    open("python", "print('by keyboard')\n");
    browser.script("document.activeElement.blur()");

    Actions keys = new Actions(browser.driver);
    for (int i = 0; i < 10 && !"run".equals(activeId()); i++) {
      keys.sendKeys(Keys.TAB).perform();
    }
    assertThat(activeId()).as("Tab reaches Run").isEqualTo("run");
    keys.sendKeys(Keys.ENTER).perform();
    awaitResult("Completed");
    assertThat(browser.text("#output")).contains("by keyboard");

    browser.editorContent().sendKeys(Keys.chord(Keys.CONTROL, "a"), "print('by ctrl enter')");
    browser.editorContent().sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
    browser.await("Ctrl+Enter ran it", () -> browser.text("#output").contains("by ctrl enter"));
    browser.screenshot("playground-keyboard");
  }

  /** What a load cost, from the Performance API: bytes over the wire, unpacked, time to ready. */
  private static final String LOAD_FIGURES =
      "const entries = [performance.getEntriesByType('navigation')[0],"
          + " ...performance.getEntriesByType('resource')];"
          + "const ready = performance.getEntriesByName('playground-ready')[0];"
          + "return {files: entries.length,"
          + " transferred: entries.reduce((s, e) => s + e.transferSize, 0),"
          + " encoded: entries.reduce((s, e) => s + e.encodedBodySize, 0),"
          + " decoded: entries.reduce((s, e) => s + e.decodedBodySize, 0),"
          + " ready_ms: Math.round(ready.startTime)};";

  @Test
  void firstLoadStaysLight() throws Exception {
    browser.driver.executeCdpCommand("Network.clearBrowserCache", Map.of());
    browser.load("/");
    Map<String, Object> first = browser.scriptMap(LOAD_FIGURES);
    browser.screenshot("playground-first-load");
    browser.load("/");
    Map<String, Object> again = browser.scriptMap(LOAD_FIGURES);
    Files.createDirectories(Browser.SCREENSHOTS);
    Files.writeString(
        Browser.SCREENSHOTS.resolve("playground-weight.txt"),
        "first load " + first + "\nfrom cache " + again + "\n");

    // Compressed bodies: the editor is most of it; a budget keeps it from growing unnoticed.
    assertThat(((Number) first.get("transferred")).longValue()).isLessThan(400_000);
  }

  private static String activeId() {
    return (String) browser.script("return document.activeElement && document.activeElement.id");
  }
}
