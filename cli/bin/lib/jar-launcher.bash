# Sourced by the launchers in cli/bin: runs cli/target/$ERAFT_JAR.jar with java, from any
# directory and through symlinks or PATH (the jar is found from this file's real path).
#   ERAFT_JAR           the jar's base name (kvserver, kvclient, ...)
#   ERAFT_JVM_DEFAULTS  JVM flags used unless JAVA_OPTS is set
# Users may set JAVA_OPTS (replaces the defaults) and JAVA (the java binary; else
# $JAVA_HOME/bin/java, else java on PATH).
cli_dir=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
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
# JAVA_OPTS is a list of flags, split on spaces like the defaults.
# shellcheck disable=SC2086
exec "$java_bin" ${JAVA_OPTS-$ERAFT_JVM_DEFAULTS} -jar "$jar" "$@"
