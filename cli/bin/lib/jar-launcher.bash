# Sourced by the launchers in cli/bin, by its real path: runs cli/target/$ERAFT_JAR.jar with java,
# from any directory and through symlinks or PATH (the jar is found from this file's real path).
#   ERAFT_JAR           the jar's base name (kvserver, kvclient, ...)
#   ERAFT_JVM_DEFAULTS  JVM flags used unless JAVA_OPTS is set
# Users may set JAVA_OPTS (replaces the defaults) and JAVA (the java binary; else
# $JAVA_HOME/bin/java, else java on PATH), and ERAFT_CDS=off (run without the class-data sharing
# archive). ERAFT_CDS_TRAIN=<file> is for cli/bin/lib/cds-archives.bash: record the classes loaded.
# String operations, not processes: a one-shot client pays for every fork.
cli_dir=${BASH_SOURCE[0]%/bin/lib/*}
if [[ $cli_dir == "${BASH_SOURCE[0]}" || $cli_dir != /* ]]; then
  cli_dir=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
fi
jar="$cli_dir/target/$ERAFT_JAR.jar"
if [[ ! -f $jar ]]; then
  echo "$ERAFT_JAR: $jar is not built; build it with: (cd $(dirname "$cli_dir") && mvn -B -q package -DskipTests -pl cli -am)" >&2
  exit 1
fi
java_bin=${JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/java}}
java_bin=${java_bin:-java}
if ! command -v "$java_bin" >/dev/null 2>&1; then
  echo "$ERAFT_JAR: no java found ('$java_bin'); install Java 17 or set JAVA_HOME" >&2
  exit 1
fi
# Class-data sharing: `mvn package` leaves in target/cds/ an archive of this jar's classes, already
# parsed and verified, which about halves start-up (cli/bin/lib/cds-archives.bash). It is used only
# with the java that made it and while it is newer than the jar; the JVM checks it again and quietly
# runs without it if it does not match (-Xshare:auto). JVM warnings go to stderr, never into the
# command's output. These flags come before JAVA_OPTS, which can override them.
cds_flags=()
archive=$cli_dir/target/cds/$ERAFT_JAR.jsa
if [[ -n ${ERAFT_CDS_TRAIN:-} ]]; then
  cds_flags=(-XX:DumpLoadedClassList="$ERAFT_CDS_TRAIN")
elif [[ ${ERAFT_CDS:-on} != off && $archive -nt $jar && -f $cli_dir/target/cds/java ]]; then
  read -r cds_java <"$cli_dir/target/cds/java" || true
  # -ef: the same file once symlinks (/usr/bin/java -> /etc/alternatives/...) are followed.
  if [[ $(command -v "$java_bin") -ef ${cds_java:-} ]]; then
    cds_flags=(-XX:SharedArchiveFile="$archive" -Xshare:auto -Xlog:disable -Xlog:all=warning:stderr)
  fi
fi
# JAVA_OPTS is a list of flags, split on spaces like the defaults.
# shellcheck disable=SC2086
exec "$java_bin" ${cds_flags[@]+"${cds_flags[@]}"} ${JAVA_OPTS-$ERAFT_JVM_DEFAULTS} -jar "$jar" "$@"
