#!/usr/bin/env bash
# Runs a real local Neo4j 5.26 community server without Docker: the jars come
# from Maven Central (via scripts/neo4j/pom.xml), the server runs from a cache
# directory outside the repo.
#
#   eval "$(scripts/neo4j/neo4j.sh start)"   # starts (or finds) the server and
#                                            # exports NEO4J_URI/USERNAME/PASSWORD
#   scripts/neo4j/neo4j.sh status            # prints running|stopped; exit 0|3
#   scripts/neo4j/neo4j.sh stop
#
# Only `start` writes to stdout (the three export lines); all messages go to stderr.
#
# Environment:
#   NORMGRAPH_NEO4J_HOME           server home (jars, conf, data, logs, run)
#                                  default ${XDG_CACHE_HOME:-$HOME/.cache}/normgraph/neo4j-5.26.30
#   NORMGRAPH_NEO4J_BOLT_PORT      Bolt port on 127.0.0.1 (default 7687)
#   NORMGRAPH_NEO4J_HTTP_PORT      if set, also enables the HTTP connector (Query API) there
#   NORMGRAPH_NEO4J_PASSWORD       password of user neo4j (default normgraph-dev-password);
#                                  fixed when the store is first created
#   NORMGRAPH_NEO4J_START_TIMEOUT  seconds to wait for Bolt (default 120)
#   NORMGRAPH_NEO4J_STOP_TIMEOUT   seconds to wait after SIGTERM before SIGKILL (default 60)
#   JAVA_HOME                      Java 17+ to use (else `java` on PATH)
#
# Needs Java 17+ and (for the one-time jar download) Maven 3.6.3+.
set -euo pipefail

NEO4J_VERSION=5.26.30

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
POM="$SCRIPT_DIR/pom.xml"
CONF_TEMPLATE="$SCRIPT_DIR/neo4j.conf"

NEO4J_HOME_DIR="${NORMGRAPH_NEO4J_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/normgraph/neo4j-$NEO4J_VERSION}"
BOLT_PORT="${NORMGRAPH_NEO4J_BOLT_PORT:-7687}"
HTTP_PORT="${NORMGRAPH_NEO4J_HTTP_PORT:-}"
PASSWORD="${NORMGRAPH_NEO4J_PASSWORD:-normgraph-dev-password}"
START_TIMEOUT="${NORMGRAPH_NEO4J_START_TIMEOUT:-120}"
STOP_TIMEOUT="${NORMGRAPH_NEO4J_STOP_TIMEOUT:-60}"
USERNAME=neo4j

LIB_DIR="$NEO4J_HOME_DIR/lib"
LIB_MARKER="$LIB_DIR/.normgraph-complete"
CONF_DIR="$NEO4J_HOME_DIR/conf"
DATA_DIR="$NEO4J_HOME_DIR/data"
LOGS_DIR="$NEO4J_HOME_DIR/logs"
RUN_DIR="$NEO4J_HOME_DIR/run"
PID_FILE="$RUN_DIR/normgraph-neo4j.pid"
PORT_FILE="$RUN_DIR/normgraph-neo4j.bolt-port"
CONSOLE_LOG="$LOGS_DIR/console.log"
# Digest of the password the store was created with (for a clear error on mismatch).
PASSWORD_MARKER="$DATA_DIR/dbms/normgraph-initial-password.sha256"

log() { printf 'neo4j.sh: %s\n' "$*" >&2; }
die() { printf 'neo4j.sh: error: %s\n' "$*" >&2; exit 1; }

usage() {
  cat >&2 <<EOF
usage: $(basename "$0") start|stop|status
  start   start the local Neo4j $NEO4J_VERSION (or find it running) and print
          export lines for NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD:
            eval "\$($0 start)"
  stop    stop it (SIGTERM, SIGKILL after ${STOP_TIMEOUT}s)
  status  print running|stopped (exit 0 if running, 3 if stopped)
home: $NEO4J_HOME_DIR
EOF
}

is_port() { [[ "$1" =~ ^[0-9]{1,5}$ ]] && (($1 > 0 && $1 < 65536)); }

validate_inputs() {
  is_port "$BOLT_PORT" || die "NORMGRAPH_NEO4J_BOLT_PORT must be a TCP port number, got '$BOLT_PORT'"
  if [[ -n "$HTTP_PORT" ]]; then
    is_port "$HTTP_PORT" || die "NORMGRAPH_NEO4J_HTTP_PORT must be a TCP port number, got '$HTTP_PORT'"
  fi
  [[ "$START_TIMEOUT" =~ ^[0-9]+$ ]] || die "NORMGRAPH_NEO4J_START_TIMEOUT must be whole seconds"
  [[ "$STOP_TIMEOUT" =~ ^[0-9]+$ ]] || die "NORMGRAPH_NEO4J_STOP_TIMEOUT must be whole seconds"
  ((${#PASSWORD} >= 8)) || die "NORMGRAPH_NEO4J_PASSWORD must have at least 8 characters (Neo4j's minimum)"
}

# ---------------------------------------------------------------- tools

JAVA=""
find_java() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    JAVA="$JAVA_HOME/bin/java"
  elif command -v java >/dev/null 2>&1; then
    JAVA="$(command -v java)"
  else
    die "java not found. Neo4j $NEO4J_VERSION needs a Java 17 or 21 JDK/JRE: install one (Debian/Ubuntu: apt-get install openjdk-17-jre-headless; macOS: brew install openjdk@17) and put it on PATH or set JAVA_HOME."
  fi
  local first major
  first="$("$JAVA" -version 2>&1 | head -n 1)"
  major="$(sed -E -n 's/.*version "([0-9]+)(\.([0-9]+))?.*/\1 \3/p' <<<"$first")"
  if [[ "$major" == 1\ * ]]; then major="${major#1 }"; else major="${major%% *}"; fi
  [[ "$major" =~ ^[0-9]+$ ]] || die "cannot tell the version of $JAVA ('$first'); Neo4j $NEO4J_VERSION needs Java 17 or 21."
  ((major >= 17)) || die "$JAVA is Java $major; Neo4j $NEO4J_VERSION needs Java 17 or 21 (Debian/Ubuntu: apt-get install openjdk-17-jre-headless), then set JAVA_HOME or fix PATH."
  if ((major != 17 && major != 21)); then
    log "warning: Java $major is not a Java version supported by Neo4j $NEO4J_VERSION (17 or 21); trying anyway."
  fi
}

require_mvn() {
  command -v mvn >/dev/null 2>&1 \
    || die "mvn (Apache Maven 3.6.3+) not found; it is needed once to download the Neo4j jars from Maven Central. Install it (Debian/Ubuntu: apt-get install maven; macOS: brew install maven)."
}

pom_digest() { sha256sum "$POM" | cut -d' ' -f1; }

# Copies the server jars into $LIB_DIR once. The marker (with the pom's digest)
# is written only after a complete copy, so an interrupted download is redone.
ensure_jars() {
  local want
  want="$(pom_digest)"
  if [[ -f "$LIB_MARKER" && "$(cat "$LIB_MARKER")" == "$want" ]]; then
    return 0
  fi
  require_mvn
  local tmp="$NEO4J_HOME_DIR/lib.tmp.$$"
  # Leftovers of interrupted downloads (we hold the lock, so none is in use).
  rm -rf "$NEO4J_HOME_DIR"/lib.tmp.*
  log "downloading Neo4j $NEO4J_VERSION jars with Maven (one time; into ~/.m2 and $LIB_DIR) ..."
  local t0=$SECONDS
  # Maven's output goes to a file (stdout must stay clean for `eval "$(neo4j.sh start)"`).
  local mvn_log="$NEO4J_HOME_DIR/maven-download.log"
  if ! mvn -q -B -f "$POM" dependency:copy-dependencies -DoutputDirectory="$tmp" >"$mvn_log" 2>&1; then
    tail -n 60 "$mvn_log" >&2
    rm -rf "$tmp"
    die "Maven could not download the Neo4j jars (is Maven Central reachable? full output in $mvn_log)"
  fi
  compgen -G "$tmp/neo4j-$NEO4J_VERSION.jar" >/dev/null \
    || { rm -rf "$tmp"; die "Maven finished but $tmp/neo4j-$NEO4J_VERSION.jar is missing; check $POM"; }
  printf '%s\n' "$want" >"$tmp/.normgraph-complete"
  rm -rf "$LIB_DIR"
  mv "$tmp" "$LIB_DIR"
  log "jars ready ($(find "$LIB_DIR" -name '*.jar' | wc -l) jars, $((SECONDS - t0))s)"
}

# ---------------------------------------------------------------- process state

# Prints the pid of our server if its process is alive, else nothing.
# Checks the command line so a recycled pid is not mistaken for the server.
server_pid() {
  [[ -f "$PID_FILE" ]] || return 0
  local pid
  pid="$(tr -dc '0-9' <"$PID_FILE")"
  [[ -n "$pid" ]] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  if [[ -r "/proc/$pid/cmdline" ]]; then
    tr '\0' '\n' <"/proc/$pid/cmdline" | grep -qxF -- "--home-dir=$NEO4J_HOME_DIR" || return 0
  fi
  printf '%s\n' "$pid"
}

port_open() {
  # bash's /dev/tcp; `timeout` guards against a connect that never returns.
  # shellcheck disable=SC2016 # $1 is expanded by the inner bash
  timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null
}

running_port() {
  if [[ -f "$PORT_FILE" ]]; then tr -dc '0-9' <"$PORT_FILE"; else printf '%s' "$BOLT_PORT"; fi
}

print_exports() {
  printf 'export NEO4J_URI=%q\n' "bolt://127.0.0.1:$1"
  printf 'export NEO4J_USERNAME=%q\n' "$USERNAME"
  printf 'export NEO4J_PASSWORD=%q\n' "$PASSWORD"
}

password_digest() { printf '%s' "$PASSWORD" | sha256sum | cut -d' ' -f1; }

check_password_matches_store() {
  if [[ -f "$PASSWORD_MARKER" && "$(cat "$PASSWORD_MARKER")" != "$(password_digest)" ]]; then
    die "the store in $DATA_DIR was created with a different NEO4J_PASSWORD than NORMGRAPH_NEO4J_PASSWORD now says. Use the old password, or stop the server and delete $DATA_DIR to start afresh."
  fi
}

# Line counts of the logs before this start, so that failures show only new lines.
declare -A LOG_MARK=()
mark_logs() {
  local f
  for f in "$CONSOLE_LOG" "$LOGS_DIR/neo4j.log"; do
    if [[ -f "$f" ]]; then LOG_MARK[$f]="$(wc -l <"$f")"; else LOG_MARK[$f]=0; fi
  done
}

log_tail() {
  local f
  for f in "$CONSOLE_LOG" "$LOGS_DIR/neo4j.log"; do
    [[ -s "$f" ]] || continue
    printf -- '---- %s (this start, last 40 lines) ----\n' "$f" >&2
    tail -n "+$((${LOG_MARK[$f]:-0} + 1))" "$f" | tail -n 40 >&2
  done
  printf -- '---- more in %s/debug.log ----\n' "$LOGS_DIR" >&2
}

take_lock() {
  # Serialises concurrent start/stop on one home (e.g. two test runs at once).
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$NEO4J_HOME_DIR/.normgraph-lock"
    flock -w 600 9 || die "timed out waiting for another neo4j.sh on $NEO4J_HOME_DIR"
  fi
}

# ---------------------------------------------------------------- layout

write_conf() {
  local http_enabled=false http_port=7474
  if [[ -n "$HTTP_PORT" ]]; then http_enabled=true; http_port="$HTTP_PORT"; fi
  sed -e "s/@BOLT_PORT@/$BOLT_PORT/g" \
      -e "s/@HTTP_ENABLED@/$http_enabled/g" \
      -e "s/@HTTP_PORT@/$http_port/g" \
      "$CONF_TEMPLATE" >"$CONF_DIR/neo4j.conf.tmp"
  mv "$CONF_DIR/neo4j.conf.tmp" "$CONF_DIR/neo4j.conf"
}

# Sets the password of user neo4j before the system database is first created
# (`neo4j-admin dbms set-initial-password`, i.e. org.neo4j.cli.AdminTool; it
# writes data/dbms/auth.ini, which the server reads when it creates the store).
set_initial_password_if_new() {
  if [[ -d "$DATA_DIR/databases/system" ]]; then
    if [[ ! -f "$PASSWORD_MARKER" ]]; then
      log "warning: existing store in $DATA_DIR has no record of its password; assuming NORMGRAPH_NEO4J_PASSWORD is right."
    fi
    return 0
  fi
  log "new store: setting the initial password of user '$USERNAME'"
  local out
  if ! out="$(cd "$NEO4J_HOME_DIR" && NEO4J_HOME="$NEO4J_HOME_DIR" NEO4J_CONF="$CONF_DIR" \
      "$JAVA" -Xmx256m -cp "$LIB_DIR/*" org.neo4j.cli.AdminTool \
      dbms set-initial-password "$PASSWORD" 2>&1 9>&-)"; then
    printf '%s\n' "$out" >&2
    die "neo4j-admin dbms set-initial-password failed"
  fi
  [[ -f "$DATA_DIR/dbms/auth.ini" ]] || { printf '%s\n' "$out" >&2; die "set-initial-password did not write $DATA_DIR/dbms/auth.ini"; }
  password_digest >"$PASSWORD_MARKER"
}

# JVM options as the official launcher builds them: the server.jvm.additional
# lines of neo4j.conf, -Dfile.encoding=UTF-8, then -Xms/-Xmx from the heap settings.
JVM_OPTS=()
build_jvm_opts() {
  local conf="$CONF_DIR/neo4j.conf" line xms xmx
  JVM_OPTS=()
  while IFS= read -r line; do
    line="${line%$'\r'}"
    [[ -n "$line" ]] && JVM_OPTS+=("$line")
  done < <(sed -n -E 's/^[[:space:]]*server\.jvm\.additional[[:space:]]*=[[:space:]]*//p' "$conf")
  JVM_OPTS+=("-Dfile.encoding=UTF-8")
  xms="$(sed -n -E 's/^[[:space:]]*server\.memory\.heap\.initial_size[[:space:]]*=[[:space:]]*([^[:space:]]+).*/\1/p' "$conf" | tail -n 1)"
  xmx="$(sed -n -E 's/^[[:space:]]*server\.memory\.heap\.max_size[[:space:]]*=[[:space:]]*([^[:space:]]+).*/\1/p' "$conf" | tail -n 1)"
  [[ -n "$xms" ]] && JVM_OPTS+=("-Xms$xms")
  [[ -n "$xmx" ]] && JVM_OPTS+=("-Xmx$xmx")
  return 0
}

# ---------------------------------------------------------------- commands

cmd_start() {
  validate_inputs
  mkdir -p "$NEO4J_HOME_DIR"
  take_lock

  local pid port
  pid="$(server_pid)"
  if [[ -n "$pid" ]]; then
    port="$(running_port)"
    if port_open "$port"; then
      check_password_matches_store
      if [[ "$port" != "$BOLT_PORT" ]]; then
        log "warning: already running on port $port; NORMGRAPH_NEO4J_BOLT_PORT=$BOLT_PORT is ignored until you stop it."
      fi
      log "Neo4j $NEO4J_VERSION already running (pid $pid, bolt://127.0.0.1:$port)"
      print_exports "$port"
      return 0
    fi
    die "a server process (pid $pid) exists but Bolt does not answer on port $port; it may still be starting or be stuck. Run '$0 stop' and start again."
  fi
  rm -f "$PID_FILE" "$PORT_FILE"

  if port_open "$BOLT_PORT"; then
    die "port 127.0.0.1:$BOLT_PORT is already in use by another process (another Neo4j?). Stop it or pick another port with NORMGRAPH_NEO4J_BOLT_PORT (and a separate NORMGRAPH_NEO4J_HOME)."
  fi
  if [[ -n "$HTTP_PORT" ]] && port_open "$HTTP_PORT"; then
    die "port 127.0.0.1:$HTTP_PORT (NORMGRAPH_NEO4J_HTTP_PORT) is already in use."
  fi

  find_java
  ensure_jars
  check_password_matches_store

  mkdir -p "$CONF_DIR" "$DATA_DIR" "$LOGS_DIR" "$RUN_DIR" "$NEO4J_HOME_DIR/plugins" "$NEO4J_HOME_DIR/import"
  write_conf
  set_initial_password_if_new
  build_jvm_opts

  log "starting Neo4j $NEO4J_VERSION on bolt://127.0.0.1:$BOLT_PORT (home $NEO4J_HOME_DIR)"
  local t0=$SECONDS
  local -a launcher=()
  # Own session and process group: not tied to the caller's terminal or job control.
  command -v setsid >/dev/null 2>&1 && launcher=(setsid)
  mark_logs
  printf '==== %s: neo4j.sh start (bolt port %s)\n' "$(date -u '+%Y-%m-%dT%H:%M:%SZ')" "$BOLT_PORT" >>"$CONSOLE_LOG"
  # stdin/stdout/stderr and the lock fd must not be inherited: `$(neo4j.sh start)`
  # would otherwise wait for the server to exit.
  (
    cd "$NEO4J_HOME_DIR"
    exec "${launcher[@]}" nohup "$JAVA" "${JVM_OPTS[@]}" \
      -cp "$NEO4J_HOME_DIR/plugins/*:$LIB_DIR/*" \
      org.neo4j.server.CommunityEntryPoint \
      --home-dir="$NEO4J_HOME_DIR" --config-dir="$CONF_DIR"
  ) </dev/null >>"$CONSOLE_LOG" 2>&1 9>&- &
  pid=$!
  printf '%s\n' "$pid" >"$PID_FILE"
  printf '%s\n' "$BOLT_PORT" >"$PORT_FILE"

  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      local rc=0
      wait "$pid" || rc=$?
      rm -f "$PID_FILE" "$PORT_FILE"
      log_tail
      die "Neo4j exited during startup (exit code $rc)"
    fi
    if port_open "$BOLT_PORT"; then
      break
    fi
    if ((SECONDS - t0 >= START_TIMEOUT)); then
      log_tail
      log "Bolt did not answer within ${START_TIMEOUT}s; stopping the server"
      stop_pid "$pid"
      die "Neo4j did not start within ${START_TIMEOUT}s (NORMGRAPH_NEO4J_START_TIMEOUT)"
    fi
    sleep 0.5
  done
  log "Neo4j $NEO4J_VERSION is up (pid $pid, bolt://127.0.0.1:$BOLT_PORT, $((SECONDS - t0))s)"
  print_exports "$BOLT_PORT"
}

stop_pid() {
  local pid="$1" t0=$SECONDS
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null; do
    # A zombie child of this shell counts as gone.
    if [[ -r "/proc/$pid/stat" ]] && [[ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" == Z ]]; then
      break
    fi
    if ((SECONDS - t0 >= STOP_TIMEOUT)); then
      log "still running after ${STOP_TIMEOUT}s; sending SIGKILL"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
      sleep 1
      break
    fi
    sleep 0.2
  done
}

cmd_stop() {
  if [[ ! -d "$NEO4J_HOME_DIR" ]]; then
    log "not running"
    return 0
  fi
  take_lock
  local pid
  pid="$(server_pid)"
  if [[ -z "$pid" ]]; then
    rm -f "$PID_FILE" "$PORT_FILE"
    log "not running"
    return 0
  fi
  log "stopping Neo4j (pid $pid) ..."
  local t0=$SECONDS
  stop_pid "$pid"
  rm -f "$PID_FILE" "$PORT_FILE"
  log "stopped ($((SECONDS - t0))s)"
}

cmd_status() {
  local pid port
  pid="$(server_pid)"
  if [[ -n "$pid" ]]; then
    port="$(running_port)"
    if port_open "$port"; then
      log "Neo4j $NEO4J_VERSION running: pid $pid, bolt://127.0.0.1:$port, home $NEO4J_HOME_DIR"
    else
      log "Neo4j $NEO4J_VERSION process $pid is alive but Bolt does not answer on port $port (starting or stuck)"
    fi
    echo running
    return 0
  fi
  log "Neo4j $NEO4J_VERSION is not running (home $NEO4J_HOME_DIR)"
  echo stopped
  return 3
}

main() {
  local cmd="${1:-}"
  case "$cmd" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    -h | --help | help) usage ;;
    *)
      usage
      exit 2
      ;;
  esac
}

main "$@"
