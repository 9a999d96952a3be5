package io.eraft.cli.ops;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The meter registry of a server process, scraped as {@code /metrics}: every meter carries the
 * common tags {@code component}, {@code group} and {@code node} (OBSERVABILITY.md §0.1), beside the
 * JVM and process meters, the resident memory etcd's dashboard plots and {@code eraft_build_info}.
 */
public final class ServerMetrics {
  private static final Path PROC_STATUS = Path.of("/proc/self/status");

  private ServerMetrics() {}

  /**
   * @param component {@code kvserver}, {@code shardctrler} or {@code shardkv}
   * @param group the gid ({@code 0} for a service of one group)
   */
  public static PrometheusMeterRegistry create(String component, int group, long node) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("component", component, "group", Integer.toString(group),
        "node", Long.toString(node));
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry); // not closed: it listens for the process's lifetime
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    if (Files.isReadable(PROC_STATUS)) {
      Gauge.builder("process.resident.memory", ServerMetrics::residentBytes).baseUnit(BaseUnits.BYTES)
          .description("Resident set size of the process (VmRSS)").register(registry);
    }
    Gauge.builder("eraft.build.info", () -> 1).tag("version", version())
        .tag("java_version", System.getProperty("java.version"))
        .description("Always 1; the labels say which build and Java run this node").register(registry);
    return registry;
  }

  /** This build's version, from the jar. */
  public static String version() {
    Properties build = new Properties();
    try (InputStream in = ServerMetrics.class.getResourceAsStream("build.properties")) {
      if (in != null) {
        build.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the build's version", e);
    }
    return build.getProperty("version", "unknown");
  }

  private static double residentBytes() {
    try {
      for (String line : Files.readAllLines(PROC_STATUS)) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024.0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }
}
