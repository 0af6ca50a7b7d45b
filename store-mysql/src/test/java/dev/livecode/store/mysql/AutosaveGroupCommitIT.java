package dev.livecode.store.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livecode.core.Session;
import dev.livecode.core.exception.LivecodeException;
import dev.livecode.core.exception.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Autosaves that arrive together share one transaction, so a burst pays one redo-log flush instead
 * of one each: each must still be durable, conditional on its own expected version, and answered
 * with its own outcome.
 */
class AutosaveGroupCommitIT {
  @RegisterExtension static final MySqlTestStore DB = new MySqlTestStore();

  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05.123456Z");
  private final ExecutorService threads = Executors.newFixedThreadPool(32);

  @AfterEach
  void stopThreads() throws InterruptedException {
    threads.shutdownNow();
    threads.awaitTermination(10, TimeUnit.SECONDS);
  }

  private Session newSession() {
    Session s =
        new Session(UUID.randomUUID(), Session.ANONYMOUS, "python", "print(0)", 1, NOW, NOW);
    DB.store().insertSession(s);
    return s;
  }

  /** Reads the row on a connection of its own, outside the store. */
  private static String storedSource(UUID id) throws Exception {
    try (Connection c = DB.database().connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT source_code FROM " + DB.prefix() + "sessions WHERE id = ?")) {
      s.setBytes(1, dev.livecode.store.mysql.internal.Rows.bytes(id));
      try (ResultSet r = s.executeQuery()) {
        assertThat(r.next()).isTrue();
        return r.getString(1);
      }
    }
  }

  private <T> List<T> together(List<java.util.concurrent.Callable<T>> work) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<T>> futures = new ArrayList<>();
    for (var w : work) {
      futures.add(
          threads.submit(
              () -> {
                start.await();
                return w.call();
              }));
    }
    start.countDown();
    List<T> out = new ArrayList<>();
    for (Future<T> f : futures) {
      out.add(f.get(60, TimeUnit.SECONDS));
    }
    return out;
  }

  @Test
  void everyConcurrentAutosaveIsStoredAndAnsweredWithItsOwnRow() throws Exception {
    List<Session> sessions = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      sessions.add(newSession());
    }
    List<java.util.concurrent.Callable<Session>> work = new ArrayList<>();
    for (Session s : sessions) {
      work.add(
          () ->
              DB.store()
                  .updateSession(
                      Session.Update.source(s.id(), "print('" + s.id() + "')")
                          .withExpectedVersion(1),
                      NOW));
    }

    List<Session> saved = together(work);

    for (int i = 0; i < sessions.size(); i++) {
      UUID id = sessions.get(i).id();
      assertThat(saved.get(i).id()).isEqualTo(id);
      assertThat(saved.get(i).version()).isEqualTo(2);
      assertThat(saved.get(i).sourceCode()).isEqualTo("print('" + id + "')");
      assertThat(storedSource(id)).isEqualTo("print('" + id + "')");
    }
  }

  @Test
  void concurrentAutosavesExpectingOneVersionHaveOneWinnerAndEveryOtherConflicts()
      throws Exception {
    Session s = newSession();
    List<java.util.concurrent.Callable<String>> work = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      String source = "edit " + i;
      work.add(
          () -> {
            try {
              DB.store()
                  .updateSession(Session.Update.source(s.id(), source).withExpectedVersion(1), NOW);
              return source;
            } catch (LivecodeException.VersionConflict e) {
              assertThat(e.currentVersion()).isEqualTo(2);
              return "conflict";
            }
          });
    }

    List<String> outcomes = together(work);

    List<String> winners = outcomes.stream().filter(o -> !o.equals("conflict")).toList();
    assertThat(winners).hasSize(1);
    assertThat(storedSource(s.id())).isEqualTo(winners.get(0));
    assertThat(DB.store().findSession(s.id()).orElseThrow().version()).isEqualTo(2);
  }

  @Test
  void aFailingAutosaveFailsAloneAndTheOthersBesideItAreStored() throws Exception {
    List<Session> sessions = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      sessions.add(newSession());
    }
    Map<UUID, Object> outcome = new ConcurrentHashMap<>();
    List<java.util.concurrent.Callable<Boolean>> work = new ArrayList<>();
    for (int i = 0; i < sessions.size(); i++) {
      Session s = sessions.get(i);
      // The language column holds 64 characters: this one is refused by the database.
      Session.Update update =
          i == 0
              ? Session.Update.source(s.id(), "bad").withLanguage("x".repeat(100))
              : Session.Update.source(s.id(), "good " + i);
      work.add(
          () -> {
            try {
              outcome.put(s.id(), DB.store().updateSession(update, NOW));
            } catch (RuntimeException e) {
              outcome.put(s.id(), e);
            }
            return true;
          });
    }

    together(work);

    assertThat(outcome.get(sessions.get(0).id())).isInstanceOf(StoreException.class);
    assertThat(storedSource(sessions.get(0).id())).isEqualTo("print(0)");
    for (int i = 1; i < sessions.size(); i++) {
      assertThat(outcome.get(sessions.get(i).id())).isInstanceOf(Session.class);
      assertThat(storedSource(sessions.get(i).id())).isEqualTo("good " + i);
    }
  }

  @Test
  void refusesAnAutosaveAfterClose() {
    MySqlStore store = DB.builder().tablePrefix(DB.prefix()).build();
    store.close();

    assertThatThrownBy(
            () -> store.updateSession(Session.Update.source(UUID.randomUUID(), "x"), NOW))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("closed");
  }
}
