package dev.livecode.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import dev.livecode.core.Execution;
import dev.livecode.core.exception.LivecodeException;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The frames an event stream writes, its keep-alives, its demand, and dropping a stalled client.
 */
class EventStreamTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  @Test
  void writesEachEventAsAFrameWithItsIdAndClosesAfterTheEnd() throws Exception {
    EventStream stream = new EventStream(JSON);
    Subscription subscription = new Subscription();
    stream.onSubscribe(subscription);
    stream.onNext(Execution.Event.status(1, Execution.Status.RUNNING, true));
    stream.onNext(Execution.Event.output(2, Execution.Event.Kind.STDOUT, "a\n\"b\""));
    Response response = stream.response().get(5, TimeUnit.SECONDS);
    assertThat(response.contentType()).startsWith("text/event-stream");
    FakeExchange exchange = new FakeExchange(new ByteArrayOutputStream());

    stream.start(exchange);
    stream.onComplete();

    await(exchange.closed::get);
    assertThat(exchange.written())
        .isEqualTo(
            "id: 1\nevent: status\ndata: {\"status\":\"RUNNING\",\"restarted\":true}\n\n"
                + "id: 2\nevent: stdout\ndata: {\"text\":\"a\\n\\\"b\\\"\"}\n\n");
    assertThat(subscription.cancelled.get()).isTrue();
  }

  @Test
  void framesQueuedTogetherGoOutInOneFlush() throws Exception {
    EventStream stream = new EventStream(JSON);
    stream.onSubscribe(new Subscription());
    for (int i = 1; i <= 3; i++) {
      stream.onNext(Execution.Event.output(i, Execution.Event.Kind.STDOUT, "x"));
    }
    stream.response().get(5, TimeUnit.SECONDS);
    // What the client had been sent at the first flush: the writer flushes after it has written,
    // so waiting for the bytes alone could look before that flush.
    AtomicReference<String> atFirstFlush = new AtomicReference<>();
    ByteArrayOutputStream body =
        new ByteArrayOutputStream() {
          @Override
          public synchronized void flush() {
            atFirstFlush.compareAndSet(null, toString(StandardCharsets.UTF_8));
          }
        };
    FakeExchange exchange = new FakeExchange(body);

    stream.start(exchange);
    await(() -> atFirstFlush.get() != null);

    assertThat(atFirstFlush.get()).endsWith("id: 3\nevent: stdout\ndata: {\"text\":\"x\"}\n\n");
    stream.onComplete();
    await(exchange.closed::get);
  }

  @Test
  void asksForNoMoreUntilHalfTheWindowIsWritten() throws Exception {
    EventStream stream = new EventStream(JSON);
    Subscription subscription = new Subscription();
    stream.onSubscribe(subscription);
    stream.onNext(Execution.Event.output(1, Execution.Event.Kind.STDOUT, "x"));
    stream.response().get(5, TimeUnit.SECONDS);
    FakeExchange exchange = new FakeExchange(new ByteArrayOutputStream());
    stream.start(exchange);
    await(() -> exchange.written().contains("id: 1\n"));
    assertThat(subscription.requested.get()).as("the window alone").isEqualTo(EventStream.WINDOW);

    for (int i = 2; i <= EventStream.WINDOW / 2; i++) {
      stream.onNext(Execution.Event.output(i, Execution.Event.Kind.STDOUT, "x"));
    }

    await(() -> subscription.requested.get() > EventStream.WINDOW);
    assertThat(subscription.requested.get())
        .as("the half written, asked for again at once")
        .isEqualTo(EventStream.WINDOW + EventStream.WINDOW / 2);
    stream.onComplete();
    await(exchange.closed::get);
  }

  @Test
  void anErrorBeforeTheFirstEventIsTheAnswerInstead() {
    EventStream stream = new EventStream(JSON);
    stream.onSubscribe(new Subscription());
    stream.onError(new LivecodeException.EventsExpired(UUID.randomUUID(), 3));

    assertThat(stream.response()).isCompletedExceptionally();
  }

  @Test
  void anAnswerGivenInsteadOfTheStreamCancelsTheSubscription() {
    EventStream stream = new EventStream(JSON);
    Subscription subscription = new Subscription();
    stream.onSubscribe(subscription);

    stream.response().complete(Response.json(503, java.util.Map.of()));

    assertThat(subscription.cancelled).isTrue();
  }

  @Test
  void sendsAKeepAliveCommentWhenNothingElseComes() {
    EventStream stream = new EventStream(JSON, TimeUnit.MILLISECONDS.toNanos(200), 60 * SECOND);
    Subscription subscription = new Subscription();
    stream.onSubscribe(subscription);
    FakeExchange exchange = new FakeExchange(new ByteArrayOutputStream());

    stream.start(exchange);

    await(() -> exchange.written().contains(": keep-alive\n\n"));
    assertThat(subscription.requested.get()).as("a comment asks for no event").isEqualTo(64);
    stream.onComplete();
    await(exchange.closed::get);
  }

  @Test
  void dropsAClientWhoseWriteStaysBlocked() {
    EventStream stream = new EventStream(JSON, 60 * SECOND, TimeUnit.MILLISECONDS.toNanos(300));
    Subscription subscription = new Subscription();
    stream.onSubscribe(subscription);
    CountDownLatch writing = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    OutputStream blocking =
        new OutputStream() {
          @Override
          public void write(int b) {
            throw new UnsupportedOperationException();
          }

          @Override
          public void write(byte[] b, int off, int len) throws InterruptedIOException {
            writing.countDown();
            try {
              // A client that reads nothing: the socket's buffer is full.
              Thread.sleep(60_000);
            } catch (InterruptedException e) {
              interrupted.set(true);
              throw new InterruptedIOException("interrupted");
            }
          }
        };
    FakeExchange exchange = new FakeExchange(blocking);
    stream.start(exchange);

    stream.onNext(Execution.Event.output(1, Execution.Event.Kind.STDOUT, "x"));

    await(() -> exchange.closed.get());
    assertThat(writing.getCount()).isZero();
    assertThat(interrupted).isTrue();
    assertThat(subscription.cancelled).isTrue();
  }

  private static void await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition met in time").isLessThan(deadline);
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private static final class Subscription implements Flow.Subscription {
    final AtomicLong requested = new AtomicLong();
    final AtomicBoolean cancelled = new AtomicBoolean();

    @Override
    public void request(long n) {
      requested.addAndGet(n);
    }

    @Override
    public void cancel() {
      cancelled.set(true);
    }
  }

  /** The part of an exchange a stream uses: its body and close. */
  private static final class FakeExchange extends HttpExchange {
    private final OutputStream body;
    final AtomicBoolean closed = new AtomicBoolean();

    FakeExchange(OutputStream body) {
      this.body = body;
    }

    String written() {
      synchronized (body) {
        return body instanceof ByteArrayOutputStream bytes
            ? bytes.toString(StandardCharsets.UTF_8)
            : "";
      }
    }

    @Override
    public Headers getRequestHeaders() {
      return new Headers();
    }

    @Override
    public Headers getResponseHeaders() {
      return new Headers();
    }

    @Override
    public URI getRequestURI() {
      return URI.create("/");
    }

    @Override
    public String getRequestMethod() {
      return "GET";
    }

    @Override
    public HttpContext getHttpContext() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
      closed.set(true);
    }

    @Override
    public InputStream getRequestBody() {
      return InputStream.nullInputStream();
    }

    @Override
    public OutputStream getResponseBody() {
      return body;
    }

    @Override
    public void sendResponseHeaders(int code, long length) {}

    @Override
    public InetSocketAddress getRemoteAddress() {
      return null;
    }

    @Override
    public int getResponseCode() {
      return 200;
    }

    @Override
    public InetSocketAddress getLocalAddress() {
      return null;
    }

    @Override
    public String getProtocol() {
      return "HTTP/1.1";
    }

    @Override
    public Object getAttribute(String name) {
      return null;
    }

    @Override
    public void setAttribute(String name, Object value) {}

    @Override
    public void setStreams(InputStream in, OutputStream out) {}

    @Override
    public HttpPrincipal getPrincipal() {
      return null;
    }
  }
}
