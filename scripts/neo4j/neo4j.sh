#!/usr/bin/env bash
# Runs a real local Neo4j 5.26 community server without Docker: the jars come
# from Maven Central (via scripts/neo4j/pom.xml), the server runs from a cache
# directory outside the repo.
#
#   eval "$(scripts/neo4j/neo4j.sh start)"   # starts (or finds) the server and
#                                            # exports NEO4J_URI/USERNAME/PASSWORD
#   scripts/neo4j/neo4j.sh status            # prints running|stopped; exit 0|3
#   scripts/neo4j/neo4j.sh stop
#   eval "$(scripts/neo4j/neo4j.sh import [--data DIR])"
#                                            # replaces the database with the data files
#                                            # through Neo4j's offline importer (see usage)
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
#   NORMGRAPH_NEO4J_CDS            0: no class-data sharing archive (see cds_jvm_opts);
#                                  default 1
#   NORMGRAPH_NEO4J_JAVA_OPTS      extra JVM options for the server (split on spaces),
#                                  after neo4j.conf's
#   JAVA_HOME                      Java 17+ to use (else `java` on PATH)
#   NORMGRAPH_BIN                  normgraph binary for `import` (else normgraph on PATH,
#                                  else built from this repository with go)
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
usage: $(basename "$0") start|stop|status|import [normgraph seed flags]
  start   start the local Neo4j $NEO4J_VERSION (or find it running) and print
          export lines for NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD:
            eval "\$($0 start)"
  stop    stop it (SIGTERM, SIGKILL after ${STOP_TIMEOUT}s)
  status  print running|stopped (exit 0 if running, 3 if stopped)
  import  replace the database with the data files (--data DIR, default the
          curated data) the fast way: stop the server, normgraph seed --offline
          (Neo4j's offline importer), start, then normgraph seed to create the
          indexes (it writes nothing else); prints the export lines as start does:
            eval "\$($0 import --data DIR)"
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
  if [[ -n "${NORMGRAPH_NEO4J_JAVA_OPTS:-}" ]]; then
    local extra=()
    read -r -a extra <<<"$NORMGRAPH_NEO4J_JAVA_OPTS"
    JVM_OPTS+=("${extra[@]}")
  fi
  server_classpath
  cds_jvm_opts
  return 0
}

# ---------------------------------------------------------------- class-data sharing

# A freshly started JVM spends seconds of CPU loading, parsing and verifying
# the ~19,000 classes Neo4j uses before it answers quickly. Class-data sharing
# (CDS) keeps them, parsed and verified, in an archive that later JVMs map
# instead: the first server started without an archive writes one when it
# stops (-XX:ArchiveClassesAtExit: every class that server loaded, so one
# that seeded and served queries makes a better archive than one that only
# started), and every later start maps it. An archive is keyed on all that the
# JVM checks when it maps one (its build, the options, each jar's size and
# mtime), so new jars, another JDK or other options train a new archive, and
# -Xshare:auto runs a JVM that still rejects one without it. Archives live
# beside the jars (in lib/'s physical parent), so private homes with a
# symlinked lib/ share them. NORMGRAPH_NEO4J_CDS=0 turns this off.
CDS_ENABLED="${NORMGRAPH_NEO4J_CDS:-1}"
# What a training server writes at exit: temporary path, final path, then the
# java command line that validates it (one per line).
CDS_PENDING="$RUN_DIR/normgraph-neo4j.cds-pending"
SERVER_CP=""
LIB_REAL=""
CDS_DIR=""

# server_classpath sets SERVER_CP and CDS_DIR. lib/ by its physical path, so
# that every home linking to the same jars finds the same archives.
server_classpath() {
  LIB_REAL="$(cd "$LIB_DIR" && pwd -P)"
  SERVER_CP="$NEO4J_HOME_DIR/plugins/*:$LIB_REAL/*"
  CDS_DIR="$(dirname "$LIB_REAL")/cds"
}

# cds_key prints the digest an archive is named by: the JVM build (its
# libjvm's size and mtime change with every JDK update), the options, and
# every jar on the class path (size and mtime). Not the home: private homes
# whose lib/ links to the same jars (and have no plugins) share one archive,
# since the JVM matches class path entries by the files, not by how the path
# is spelled.
cds_key() {
  local java_real libjvm
  java_real="$(readlink -f "$JAVA")"
  libjvm="$(dirname "$java_real")/../lib/server/libjvm.so"
  {
    printf '%s\n' "$java_real"
    if [[ -f "$libjvm" ]]; then stat -L -c '%s %Y' "$libjvm"; else "$JAVA" -version 2>&1; fi
    printf '%s\n' "${JVM_OPTS[@]}"
    local jars=()
    shopt -s nullglob
    jars=("$NEO4J_HOME_DIR"/plugins/*.jar "$LIB_REAL"/*.jar)
    shopt -u nullglob
    ((${#jars[@]} == 0)) || stat -L -c '%n %s %Y' "${jars[@]}" || true
  } | sha256sum | cut -c1-16
}

# cds_jvm_opts appends the CDS options to JVM_OPTS: map the archive if there
# is one, else write one at exit (noted in CDS_PENDING for cds_finish).
cds_jvm_opts() {
  [[ "$CDS_ENABLED" != 0 ]] || { rm -f "$CDS_PENDING"; return 0; }
  cds_finish # of a server that ended without `stop`
  local key archive
  key="$(cds_key)"
  archive="$CDS_DIR/neo4j-$key.jsa"
  if [[ -f "$archive" ]]; then
    JVM_OPTS+=("-Xshare:auto" "-XX:SharedArchiveFile=$archive")
    touch -c "$archive" 2>/dev/null || true # its mtime says when it was last used
    return 0
  fi
  mkdir -p "$CDS_DIR" 2>/dev/null && [[ -w "$CDS_DIR" ]] || return 0
  # Left by servers killed while writing (writing takes seconds, not minutes).
  find "$CDS_DIR" -maxdepth 1 -name 'neo4j-*.jsa.*.tmp' -mmin +30 -delete 2>/dev/null || true
  local tmp="$archive.$$.tmp"
  printf '%s\n' "$tmp" "$archive" "$JAVA" "${JVM_OPTS[@]}" -cp "$SERVER_CP" >"$CDS_PENDING"
  JVM_OPTS+=("-XX:ArchiveClassesAtExit=$tmp")
  log "no class-data archive for these jars and this JVM yet: this server writes one when it stops (into $CDS_DIR)"
}

# cds_discard drops what a server that failed to start wrote at exit: it
# covers too little to be worth keeping.
cds_discard() {
  [[ -f "$CDS_PENDING" ]] || return 0
  rm -f "$(head -n 1 "$CDS_PENDING")" "$CDS_PENDING"
}

# cds_finish installs the archive a training server wrote at exit, once a
# JVM has mapped it and checked its checksums (a server killed while writing
# leaves a partial file, which would crash a JVM that maps it), and removes
# archives unused for a week (of old jars or JDKs: ~120 MB each).
cds_finish() {
  [[ -f "$CDS_PENDING" ]] || return 0
  local lines=() tmp archive
  mapfile -t lines <"$CDS_PENDING"
  rm -f "$CDS_PENDING"
  ((${#lines[@]} > 3)) || return 0
  tmp="${lines[0]}" archive="${lines[1]}"
  [[ -f "$tmp" ]] || return 0
  if "${lines[@]:2}" -Xshare:on "-XX:SharedArchiveFile=$tmp" -XX:+VerifySharedSpaces -version >/dev/null 2>&1; then
    mv -f "$tmp" "$archive" || { rm -f "$tmp"; return 0; }
    find "$(dirname "$archive")" -maxdepth 1 -name 'neo4j-*.jsa' -mtime +7 -delete 2>/dev/null || true
    log "class-data archive written: $archive ($(du -m "$archive" | cut -f1) MB); later starts map it"
  else
    rm -f "$tmp"
    log "warning: the JVM rejected the class-data archive it wrote; the next start writes another"
  fi
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
    exec "${launcher[@]}" nohup "$JAVA" "${JVM_OPTS[@]}" -cp "$SERVER_CP" \
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
      cds_discard
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
      cds_discard
      die "Neo4j did not start within ${START_TIMEOUT}s (NORMGRAPH_NEO4J_START_TIMEOUT)"
    fi
    # Half a poll interval is lost on average, and a start takes 3-10 s.
    sleep 0.1
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
    cds_finish
    log "not running"
    return 0
  fi
  if [[ -f "$CDS_PENDING" ]]; then
    log "stopping Neo4j (pid $pid); it writes its class-data archive as it exits ..."
  else
    log "stopping Neo4j (pid $pid) ..."
  fi
  local t0=$SECONDS
  stop_pid "$pid"
  rm -f "$PID_FILE" "$PORT_FILE"
  log "stopped ($((SECONDS - t0))s)"
  cds_finish
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

# normgraph_cmd sets NG to the normgraph command for `import`.
NG=()
normgraph_cmd() {
  if [[ -n "${NORMGRAPH_BIN:-}" ]]; then
    NG=("$NORMGRAPH_BIN")
  elif command -v normgraph >/dev/null 2>&1; then
    NG=(normgraph)
  else
    command -v go >/dev/null 2>&1 || die "no normgraph binary: set NORMGRAPH_BIN, put normgraph on PATH, or install Go to build it"
    local bin="$NEO4J_HOME_DIR/run/normgraph-import-bin"
    mkdir -p "$NEO4J_HOME_DIR/run"
    log "building normgraph for the import ..."
    (cd "$SCRIPT_DIR/../.." && go build -o "$bin" ./cmd/normgraph) >&2 || die "go build ./cmd/normgraph failed"
    NG=("$bin")
  fi
}

# Offline import: the server must be down while neo4j-admin writes the store;
# the indexes can only be built by the running server, which the second,
# online seed does (it finds the graph equal to the data and writes nothing
# else). Extra arguments go to both seeds (--data DIR, --neo4j-database ...).
cmd_import() {
  validate_inputs
  mkdir -p "$NEO4J_HOME_DIR"
  normgraph_cmd
  cmd_stop
  take_lock
  find_java
  ensure_jars
  "${NG[@]}" seed --offline --neo4j-home "$NEO4J_HOME_DIR" "$@" >&2 || die "offline import failed (see above); the server stays stopped"
  cmd_start
  "${NG[@]}" seed --neo4j-uri "bolt://127.0.0.1:$BOLT_PORT" --neo4j-username "$USERNAME" \
    --neo4j-password "$PASSWORD" "$@" >&2 || die "the server is up, but creating the indexes failed (see above)"
}

main() {
  local cmd="${1:-}"
  case "$cmd" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    import) shift; cmd_import "$@" ;;
    -h | --help | help) usage ;;
    *)
      usage
      exit 2
      ;;
  esac
}

main "$@"
