package dev.mailops.ptr.owner;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * GETs over the JDK client with a bound on the whole exchange (headers and body) and on the body's size, so a
 * slow or endless answer from the network costs at most {@code deadline} and {@code maxBytes}. Redirects are
 * returned, not followed: the caller counts hops.
 */
final class BoundedHttp implements AutoCloseable {
  /** An answer: status, headers and the whole body. */
  record Response(int status, HttpHeaders headers, byte[] body) {}

  /** The exchange failed: too slow, too large, or a network error; the message says which. */
  static final class FetchException extends IOException {
    FetchException(String message) {
      super(message);
    }
  }

  private final HttpClient client;
  private final Duration deadline;
  private final long maxBytes;
  private final String accept;

  BoundedHttp(Duration deadline, long maxBytes, String accept) {
    this.deadline = deadline;
    this.maxBytes = maxBytes;
    this.accept = accept;
    this.client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(deadline).build();
  }

  Response get(URI uri) throws FetchException {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(deadline).header("Accept", accept)
        .header("User-Agent", "ptr-operator").GET().build();
    LimitedBody body = new LimitedBody(maxBytes);
    CompletableFuture<HttpResponse<byte[]>> pending = client.sendAsync(request, info -> body);
    try {
      HttpResponse<byte[]> response = pending.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
      return new Response(response.statusCode(), response.headers(), response.body());
    } catch (TimeoutException e) {
      body.abort();
      pending.cancel(true);
      throw new FetchException(uri.getHost() + " did not answer completely within " + seconds(deadline));
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof TooLarge) {
        throw new FetchException(uri.getHost() + " sent more than " + maxBytes + " bytes; the answer was dropped");
      }
      if (cause instanceof java.net.http.HttpTimeoutException) {
        throw new FetchException(uri.getHost() + " did not answer within " + seconds(deadline));
      }
      throw new FetchException(uri.getHost() + " could not be reached: "
          + (cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      body.abort();
      pending.cancel(true);
      throw new FetchException("interrupted");
    }
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  @Override
  public void close() {
    // HttpClient has no close() before Java 21; its threads end when it is unreachable.
  }

  private static final class TooLarge extends IOException {
    TooLarge() {
      super("body too large");
    }
  }

  /** Collects the body and cancels the exchange as soon as it passes the limit. */
  private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final long limit;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private volatile Flow.Subscription subscription;

    LimitedBody(long limit) {
      this.limit = limit;
    }

    void abort() {
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer buffer : buffers) {
        if (bytes.size() + (long) buffer.remaining() > limit) {
          subscription.cancel();
          result.completeExceptionally(new TooLarge());
          return;
        }
        byte[] chunk = new byte[buffer.remaining()];
        buffer.get(chunk);
        bytes.write(chunk, 0, chunk.length);
      }
    }

    @Override
    public void onError(Throwable throwable) {
      result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
      result.complete(bytes.toByteArray());
    }
  }
}
