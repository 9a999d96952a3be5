package io.eraft.cli.logs;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Where and how a server logs (its {@code --log-*} flags): text or JSON lines, to stderr or to a
 * file rolled by size and day with a retention, behind an asynchronous appender that never blocks
 * the Raft threads (when its queue is full, events are dropped rather than waited for). Every line
 * carries the process's component, group and node, and the request's trace id when there is one.
 */
public final class ServerLogs {
  /** Text lines: ISO time, level, identity, logger, thread, message, key/values, trace id. */
  static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX,UTC} %-5level"
      + " [%property{component} %property{group}/%property{node}] %logger{0} [%thread] %msg"
      + "%replace( %kvp{NONE}){'^ $', ''}%replace( trace_id=%X{trace_id}){' trace_id=$', ''}%n";
  private static final int QUEUE_SIZE = 8192;

  /** The values of {@code --log-format}. */
  public enum Format { TEXT, JSON }

  /** A rolled log file: its path, the size at which it rolls, days kept, and the cap on all of them. */
  public record RolledFile(Path path, long maxFileBytes, int maxHistoryDays, long totalSizeCapBytes) {}

  private ServerLogs() {}

  /**
   * Replaces the appenders set up at start-up.
   *
   * @param file the log file, or null for stderr
   */
  public static void configure(Format format, RolledFile file, String component, int group, long node) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.putProperty("component", component);
    context.putProperty("group", Integer.toString(group));
    context.putProperty("node", Long.toString(node));
    OutputStreamAppender<ILoggingEvent> out = file == null ? stderr(context) : rolling(context, file);
    out.setEncoder(encoder(context, format));
    out.start();
    AsyncAppender async = new AsyncAppender();
    async.setContext(context);
    async.setName("ASYNC");
    async.setQueueSize(QUEUE_SIZE);
    async.setDiscardingThreshold(0); // keep INFO and DEBUG until the queue is full
    async.setNeverBlock(true);
    async.addAppender(out);
    async.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.detachAndStopAllAppenders();
    root.addAppender(async);
  }

  /** Flushes what the asynchronous appender holds; call before the process exits. */
  public static void flush() {
    ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
  }

  private static Encoder<ILoggingEvent> encoder(LoggerContext context, Format format) {
    if (format == Format.JSON) {
      JsonLogEncoder json = new JsonLogEncoder();
      json.setContext(context);
      json.start();
      return json;
    }
    PatternLayoutEncoder text = new PatternLayoutEncoder();
    text.setContext(context);
    text.setPattern(TEXT_PATTERN);
    text.start();
    return text;
  }

  private static OutputStreamAppender<ILoggingEvent> stderr(LoggerContext context) {
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    return stderr;
  }

  private static OutputStreamAppender<ILoggingEvent> rolling(LoggerContext context, RolledFile file) {
    RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
    appender.setContext(context);
    appender.setName("FILE");
    appender.setFile(file.path().toString());
    SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
    policy.setContext(context);
    policy.setParent(appender);
    policy.setFileNamePattern(file.path() + ".%d{yyyy-MM-dd}.%i.gz");
    policy.setMaxFileSize(new FileSize(file.maxFileBytes()));
    policy.setMaxHistory(file.maxHistoryDays());
    policy.setTotalSizeCap(new FileSize(file.totalSizeCapBytes()));
    policy.start();
    appender.setRollingPolicy(policy);
    return appender;
  }
}
