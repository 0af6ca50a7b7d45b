package dev.livecode.http.internal;

/** Where the request handler reports every request it answered. */
@FunctionalInterface
public interface RequestMetrics {
  /**
   * One answered request.
   *
   * @param method the request method as sent
   * @param route the template of the route that matched ({@code /executions/{id}}), or {@link
   *     Router#UNMATCHED}; never the path itself
   * @param status the status answered
   * @param nanos from the request's first byte to the end of the answer
   */
  void record(String method, String route, int status, long nanos);
}
