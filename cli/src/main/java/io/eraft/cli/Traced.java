package io.eraft.cli;

/**
 * A client binary that can trace its request ({@code --trace}): {@link Cli} then runs it under a
 * new W3C trace, whose id it prints on stderr; every call it makes carries the trace, and every
 * server that serves one logs it under that id.
 */
public interface Traced {
  String DESCRIPTION = "Trace this request: print its trace id on stderr and send a W3C traceparent with every"
      + " call; each server logs the calls it serves under that id (grep the servers' logs for it).";

  /** Whether {@code --trace} was given. */
  boolean traced();
}
