#!/usr/bin/env bash
# Where the minimal app's CPU per request goes, the kernel's and the JVM's own code included: a JFR
# profile sees Java frames only, and on loopback more than half of a request's CPU is the kernel's TCP.
#
# Starts the bare minimal app and the one with the starter (one per-IP rule) side by side, warms both,
# then records both under `perf record -e cpu-clock` (a software clock: it needs no hardware counters,
# which virtual machines often lack) while CostHarness's keep-alive client loads both in the same
# window, round after round. The JVMs run with -XX:+PreserveFramePointer and write /tmp/perf-PID.map at exit,
# so perf names JIT-compiled methods. Prints, per request, the samples of each kind of code in either
# JVM and their difference, and abuse-guard's own methods.
#
#   ./mvnw -B -ntp -DskipTests package    # once: the jars and the benchmarks jar
#   bash abuse-guard-benchmarks/scripts/native-profile.sh [ROUNDS] [REQUESTS] [OUTPUT_DIR]
#
# Needs Linux perf (`perf`, Debian's linux-perf) and the right to profile the JVMs (root, or
# kernel.perf_event_paranoid <= 1). Ports 18500 and 18501 on 127.0.0.1.
set -euo pipefail
ROUNDS=${1:-2}
REQUESTS=${2:-200000}
OUT=${3:-target/native-profile}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BARE=$ROOT/examples/minimal-boot-app/target/abuse-guard-minimal-bare.jar
GUARDED=$ROOT/examples/minimal-boot-app/target/abuse-guard-minimal.jar
BENCHMARKS=$ROOT/abuse-guard-benchmarks/target/benchmarks.jar
for jar in "$BARE" "$GUARDED" "$BENCHMARKS"; do
  [[ -f $jar ]] || { echo "missing $jar: build first (./mvnw -B -ntp -DskipTests package)" >&2; exit 2; }
done
command -v perf >/dev/null || { echo "perf is not installed (Debian: apt-get install linux-perf)" >&2; exit 2; }
mkdir -p "$OUT"
JVM=(-XX:+PreserveFramePointer -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit -Xms512m -Xmx512m)
APP=(--server.address=127.0.0.1 --server.tomcat.max-keep-alive-requests=-1)
java "${JVM[@]}" -jar "$BARE" --server.port=18500 "${APP[@]}" >"$OUT/bare.log" 2>&1 &
BARE_PID=$!
java "${JVM[@]}" -jar "$GUARDED" --server.port=18501 "${APP[@]}" >"$OUT/guarded.log" 2>&1 &
GUARDED_PID=$!
trap 'kill $BARE_PID $GUARDED_PID 2>/dev/null || true' EXIT
# KeepAliveLoad logs "N requests, E errors, R req/s" (SLF4J, on standard error); the count is kept
load() { java -cp "$BENCHMARKS" io.github.abuseguard.benchmarks.cost.KeepAliveLoad "$1" "$2" 4 2>&1 | grep -o '[0-9]* requests, .*'; }
ready() { java -cp "$BENCHMARKS" io.github.abuseguard.benchmarks.cost.KeepAliveLoad "$1" 0 >/dev/null 2>&1; }
for port in 18500 18501; do
  for _ in $(seq 1 120); do ready "$port" && break; sleep 0.5; done
done
load 18500 300000 >/dev/null
load 18501 300000 >/dev/null
for round in $(seq 1 "$ROUNDS"); do
  # both JVMs loaded in the same window, as CostHarness pairs them: both see the same moment of the machine
  perf record -e cpu-clock -F 2999 -p "$BARE_PID" -o "$OUT/bare-$round.data" -- sleep 3600 >/dev/null 2>&1 &
  bare_recorder=$!
  perf record -e cpu-clock -F 2999 -p "$GUARDED_PID" -o "$OUT/guarded-$round.data" -- sleep 3600 >/dev/null 2>&1 &
  guarded_recorder=$!
  sleep 0.5
  load 18500 "$REQUESTS" >>"$OUT/bare.requests" &
  bare_load=$!
  load 18501 "$REQUESTS" >>"$OUT/guarded.requests" &
  guarded_load=$!
  # each recording stops when its own load ends
  wait $bare_load
  kill -INT $bare_recorder
  wait $guarded_load
  kill -INT $guarded_recorder
  wait $bare_recorder $guarded_recorder || true
  echo "round $round: bare $(tail -1 "$OUT/bare.requests"); guarded $(tail -1 "$OUT/guarded.requests")"
done
kill $BARE_PID $GUARDED_PID
wait $BARE_PID $GUARDED_PID 2>/dev/null || true # each JVM writes its perf map as it exits
trap - EXIT
samples() { # side: "kind<TAB>symbol<TAB>samples" per symbol, summed over the rounds
  for data in "$OUT/$1"-*.data; do
    perf report -i "$data" --stdio --no-children -g none --sort sym -F sample,sym 2>/dev/null
  done | awk '
    /^[[:space:]]*[0-9]+[[:space:]]+\[/ {
      count = $1; level = $2; $1 = ""; $2 = ""; sub(/^[[:space:]]+/, "")
      symbol = $0; gsub(/\$\$Lambda\$[0-9]+\/0x[0-9a-f]+/, "$$Lambda", symbol)
      if (level == "[k]") kind = "kernel"
      else if (symbol ~ /io\.github\.abuseguard/) kind = "abuse-guard"
      else if (symbol ~ /benmanes\.caffeine/) kind = "caffeine"
      else if (symbol ~ /org\.apache\.(catalina|coyote|tomcat)/) kind = "tomcat"
      else if (symbol ~ /org\.springframework/) kind = "spring"
      else if (symbol ~ /tools\.jackson|com\.fasterxml/) kind = "jackson"
      else if (symbol ~ /^(java|javax|jdk|sun)\./ || symbol ~ / (java|jdk|sun)\./) kind = "jdk"
      else if (symbol ~ /^(Interpreter|StubRoutines|vtable|itable)/) kind = "jvm-stubs"
      else kind = "native"
      total[kind "\t" symbol] += count
    }
    END { for (k in total) print k "\t" total[k] }'
}
samples bare >"$OUT/bare.samples"
samples guarded >"$OUT/guarded.samples"
bare_requests=$(awk '{s += $1} END {print s}' "$OUT/bare.requests")
guarded_requests=$(awk '{s += $1} END {print s}' "$OUT/guarded.requests")
echo "requests recorded: bare $bare_requests, guarded $guarded_requests (perf samples at 2,999 Hz, per 1,000 requests)"
printf "%-12s %10s %10s %10s\n" kind bare guarded added
awk -F'\t' -v rb="$bare_requests" -v rg="$guarded_requests" '
  FNR == NR { bare[$1] += $3; next }
  { guarded[$1] += $3 }
  END {
    for (k in bare) kinds[k]; for (k in guarded) kinds[k]
    for (k in kinds) {
      b = bare[k] * 1000 / rb; g = guarded[k] * 1000 / rg; tb += b; tg += g
      printf "%-12s %10.1f %10.1f %+10.1f\n", k, b, g, g - b
    }
    printf "~all         %10.1f %10.1f %+10.1f (ratio %.3f)\n", tb, tg, tg - tb, tg / tb
  }' "$OUT/bare.samples" "$OUT/guarded.samples" | sort -k1,1 | sed 's/^~/ /'
echo "abuse-guard's own methods (self samples per 1,000 guarded requests):"
awk -F'\t' -v rg="$guarded_requests" '$1 == "abuse-guard" { printf "%8.2f  %s\n", $3 * 1000 / rg, substr($2, 1, 140) }' \
  "$OUT/guarded.samples" | sort -rn | head -20
