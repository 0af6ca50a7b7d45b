package dev.livecode.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium on the playground of a running server: Debian's {@code chromium} driven by its
 * {@code chromedriver}, both by path. Nothing is downloaded: Selenium Manager, which would fetch a
 * browser or driver, is not asked: both paths are given, and failsafe sets {@code SE_OFFLINE}. A
 * browser that cannot start fails the test: scripts/services.sh installs both.
 */
final class Browser implements AutoCloseable {
  static final Path CHROMIUM =
      Path.of(System.getenv().getOrDefault("LIVECODE_TEST_CHROMIUM", "/usr/bin/chromium"));
  static final Path CHROMEDRIVER =
      Path.of(System.getenv().getOrDefault("LIVECODE_TEST_CHROMEDRIVER", "/usr/bin/chromedriver"));
  static final Path SCREENSHOTS = Path.of(System.getProperty("user.dir"), "target", "screenshots");
  static final Duration WAIT = Duration.ofSeconds(15);

  final ChromeDriver driver;
  private final String base;

  private Browser(ChromeDriver driver, String base) {
    this.driver = driver;
    this.base = base;
  }

  static Browser open(int port) {
    assertThat(CHROMIUM).as("chromium (apt-get install chromium)").isExecutable();
    assertThat(CHROMEDRIVER).as("chromedriver (apt-get install chromium-driver)").isExecutable();
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        // why: the tests run as root in CI, where Chromium's own sandbox cannot start.
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--no-first-run",
        "--disable-extensions",
        "--disable-background-networking",
        "--window-size=1280,900");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(WAIT);
    return new Browser(driver, "http://127.0.0.1:" + port);
  }

  /** Opens {@code path} (with {@code #s=...} for a session) and waits for the page to be ready. */
  void load(String path) {
    driver.get("about:blank");
    driver.get(base + path);
    awaitReady();
  }

  void awaitReady() {
    await("the page is ready", () -> "true".equals(find("body").getDomAttribute("data-ready")));
  }

  void size(int width, int height) {
    driver.manage().window().setSize(new Dimension(width, height));
  }

  WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  String text(String css) {
    return find(css).getText();
  }

  Object script(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** The editor's text, as CodeMirror shows it (one .cm-line per line). */
  String editorText() {
    return (String)
        script(
            "return [...document.getElementById('editor').shadowRoot"
                + ".querySelectorAll('.cm-content > .cm-line')].map(l => l.textContent).join('\\n')");
  }

  /** The editor's line (1-based) that holds an error mark, or 0 when none is marked. */
  long markedErrorLine() {
    return (Long)
        script(
            "const root = document.getElementById('editor').shadowRoot;"
                + "const mark = root.querySelector('.cm-lintRange-error');"
                + "if (!mark) return 0;"
                + "const lines = [...root.querySelectorAll('.cm-content > .cm-line')];"
                + "return lines.indexOf(mark.closest('.cm-line')) + 1;");
  }

  /** The editable area inside the editor's shadow root. */
  WebElement editorContent() {
    return find("#editor").getShadowRoot().findElement(By.cssSelector(".cm-content"));
  }

  void await(String what, java.util.function.BooleanSupplier condition) {
    new WebDriverWait(driver, WAIT)
        .withMessage(() -> what + "; output: " + text("#output") + "; result: " + text("#result"))
        .until(d -> condition.getAsBoolean());
  }

  /** Error lines of the browser's console since the last call (CSP violations among them). */
  List<String> consoleErrors() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::toString)
        .toList();
  }

  /** Saves a screenshot as target/screenshots/{name}.png and returns its path. */
  Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path file = SCREENSHOTS.resolve(name + ".png");
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> scriptMap(String script) {
    return (Map<String, Object>) script(script);
  }

  @Override
  public void close() {
    driver.quit();
  }
}
