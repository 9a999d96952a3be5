package io.eraft.cli.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.eraft.cli.Binaries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * The images {@link DockerComposeIT} runs, made on this machine without a registry: Debian bookworm
 * from deb.debian.org by debootstrap, imported as a base image; on it, images of Debian packages (a
 * JDK and Maven to build eRaft, a JRE to run it, Prometheus); and the eRaft image from the
 * project's Dockerfile with those two bases. An image whose tag exists is reused, so only the first
 * run pays for debootstrap and the packages; the eRaft image is rebuilt every run (the classic
 * builder's cache makes that quick while no source changed).
 */
final class LocalImages {
  static final String DEBIAN = "eraft-it/debian:bookworm";
  static final String BUILD_BASE = "eraft-it/jdk-maven:bookworm";
  static final String RUNTIME_BASE = "eraft-it/jre:bookworm";
  static final String PROMETHEUS = "eraft-it/prometheus:bookworm";
  private static final String MIRROR = "http://deb.debian.org/debian";
  private static final Duration BUILD_LIMIT = Duration.ofMinutes(15);
  /** CAs the host trusts beyond Debian's (a TLS-inspecting proxy's, say), so Maven in the build trusts them too. */
  private static final Path LOCAL_CAS = Path.of("/usr/local/share/ca-certificates");
  private static final String PACKAGES_DOCKERFILE = """
      ARG BASE
      FROM ${BASE}
      ARG PACKAGES
      RUN apt-get update \\
          && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates $PACKAGES \\
          && rm -rf /var/lib/apt/lists/*
      """;

  private final Commands commands;
  private final Path work;

  /** {@code work}: an empty directory for the debootstrap root, deleted once imported. */
  LocalImages(Commands commands, Path work) {
    this.commands = commands;
    this.work = work;
  }

  /** Builds whichever base image is missing. */
  void buildBases() throws IOException, InterruptedException {
    if (!exists(DEBIAN)) {
      importDebian();
    }
    packages(BUILD_BASE, "openjdk-17-jdk-headless maven");
    packages(RUNTIME_BASE, "openjdk-17-jre-headless");
    packages(PROMETHEUS, "prometheus");
  }

  /** Builds the project's Dockerfile, with the local bases, as {@code tag}. */
  void buildEraft(Path project, String tag) throws IOException, InterruptedException {
    timed("eRaft image " + tag, List.of("docker", "build", "--network", "host", "-t", tag,
        "--build-arg", "BUILD_IMAGE=" + BUILD_BASE, "--build-arg", "RUNTIME_IMAGE=" + RUNTIME_BASE,
        project.toString()), null);
  }

  private boolean exists(String tag) throws InterruptedException {
    return commands.succeeds("docker", "image", "inspect", tag);
  }

  private void importDebian() throws IOException, InterruptedException {
    Path root = work.resolve("debian-root");
    try {
      timed("debootstrap of " + DEBIAN, List.of("debootstrap", "--variant=minbase", "bookworm", root.toString(),
          MIRROR), null);
      if (Files.isDirectory(LOCAL_CAS)) {
        Path cas = Files.createDirectories(root.resolve(LOCAL_CAS.toString().substring(1)));
        try (Stream<Path> files = Files.list(LOCAL_CAS)) {
          for (Path ca : files.filter(f -> f.toString().endsWith(".crt")).toList()) {
            Files.copy(ca, cas.resolve(ca.getFileName()));
          }
        }
      }
      // docker import gives no PATH; a Dockerfile's RUN and the launchers need one.
      timed("import of " + DEBIAN, List.of("bash", "-c", "tar -C \"$1\" -c . | docker import --change"
          + " 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - \"$2\"", "import",
          root.toString(), DEBIAN), null);
    } finally {
      // Not into anything debootstrap may have left mounted.
      commands.run(Duration.ofMinutes(2), List.of("rm", "-rf", "--one-file-system", root.toString()));
    }
  }

  private void packages(String tag, String packages) throws IOException, InterruptedException {
    if (exists(tag)) {
      return;
    }
    timed(tag, List.of("docker", "build", "--network", "host", "-t", tag, "--build-arg", "BASE=" + DEBIAN,
        "--build-arg", "PACKAGES=" + packages, "-"), PACKAGES_DOCKERFILE);
  }

  private void timed(String what, List<String> command, String stdin) throws IOException, InterruptedException {
    Binaries.Result r = commands.run(BUILD_LIMIT, command, stdin);
    assertEquals(0, r.exit(), () -> what + " failed: " + tail(r.toString()));
    System.out.printf("DockerComposeIT: %s: %.0f s%n", what, r.took().toMillis() / 1000.0);
  }

  private static String tail(String text) {
    return text.length() > 4000 ? "..." + text.substring(text.length() - 4000) : text;
  }
}
