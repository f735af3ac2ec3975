#!/usr/bin/env bash
# Runs the parsers' fuzz targets (the @FuzzTest methods) in Jazzer's fuzzing mode, one after the other, each for a
# given time, and prints per target: the seconds spent fuzzing (fuzz_s) and in all, JVM start included (wall_s), the
# executions and their rate, the coverage reached (edges and libFuzzer features in org.tcmrx code, corpus size) and
# the distinct findings.
#
# In `mvn verify` the same methods run in regression mode only, on the inputs committed under
# src/test/resources/<package>/<Class>Inputs/<method>/; this script is never part of CI.
#
#   scripts/fuzz.sh [-t SECONDS] [-o FOLDER] [-k FINDINGS] [FILTER...]
#
#   -t SECONDS   fuzzing time per target (default 60)
#   -o FOLDER    where corpora, findings and logs go (default target/fuzz); the corpus grown by one run is the start
#                of the next
#   -k FINDINGS  distinct findings after which a target stops early (default 10)
#   FILTER       only the targets whose Class#method contains one of these strings, e.g. Safetensors or #smgcn
#
# A finding is saved as FOLDER/findings/<Class>#<method>/crash-<sha1>: fix the parser, add a unit test that asserts
# the new message, and copy the file into the target's Inputs folder so that regression mode replays it.
# Needs only what `mvn -o` has already resolved; Jazzer's native driver comes inside its jar.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
out=target/fuzz
keep_going=10
while getopts "t:o:k:" opt; do
  case "$opt" in
    t) seconds="$OPTARG" ;;
    o) out="$OPTARG" ;;
    k) keep_going="$OPTARG" ;;
    *) sed -n '2,20p' "$0" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
filters=("$@")

modules=(tcm-core tcm-lora tcm-bart tcm-dpo tcm-distill)

# Every @FuzzTest method: "module class method", found in the test sources.
targets=()
for module in "${modules[@]}"; do
  while IFS= read -r file; do
    class=$(sed -e "s|^$module/src/test/java/||" -e 's|\.java$||' -e 's|/|.|g' <<<"$file")
    while IFS= read -r method; do
      targets+=("$module $class $method")
    done < <(awk '/@FuzzTest/ { armed = 1 } armed && match($0, /void [A-Za-z0-9_]+\(/) {
        print substr($0, RSTART + 5, RLENGTH - 6); armed = 0 }' "$file")
  done < <(grep -rl --include='*.java' '@FuzzTest' "$module/src/test/java" | sort)
done

selected=()
for t in "${targets[@]}"; do
  read -r _ class method <<<"$t"
  name="${class##*.}#$method"
  if [ ${#filters[@]} -eq 0 ]; then
    selected+=("$t")
    continue
  fi
  for f in "${filters[@]}"; do
    if [[ "$name" == *"$f"* ]]; then
      selected+=("$t")
      break
    fi
  done
done
if [ ${#selected[@]} -eq 0 ]; then
  echo "fuzz: no target matches ${filters[*]}" >&2
  exit 2
fi

module_list=$(IFS=,; echo "${modules[*]}")
echo "fuzz: compiling and resolving the test class paths of $module_list" >&2
mvn -B -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/fuzz-classpath.txt \
  -Dmdep.includeScope=test -pl "$module_list" -am >&2

mkdir -p "$out"
out=$(cd "$out" && pwd)
# @TempDir folders live in memory: the targets write a file per execution.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcmrx-fuzz.XXXXXX")
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
  rm -rf "$tmp"
  tmp=$(mktemp -d /dev/shm/tcmrx-fuzz.XXXXXX)
fi
trap 'rm -rf "$tmp"' EXIT

rows=()
for t in "${selected[@]}"; do
  read -r module class method <<<"$t"
  name="${class##*.}#$method"
  corpus="$out/corpus/$name"
  findings="$out/findings/$name"
  log="$out/logs/$name.log"
  seeds="$module/src/test/resources/${class//.//}Inputs/$method"
  mkdir -p "$corpus" "$findings" "$(dirname "$log")"
  # New inputs go to the first folder; the committed regression inputs are read, never written.
  corpora=("$corpus")
  if [ -d "$seeds" ]; then
    corpora+=("$seeds")
  fi
  echo "fuzz: $name for ${seconds} s" >&2
  start=$(date +%s)
  set +e
  java -Xmx2g -Xss1m -Djava.io.tmpdir="$tmp" -Dorg.slf4j.simpleLogger.defaultLogLevel=off \
    -cp "$module/target/test-classes:$module/target/classes:$(cat "$module/target/fuzz-classpath.txt")" \
    com.code_intelligence.jazzer.Jazzer --target_class="$class" --target_method="$method" \
    --instrumentation_includes='org.tcmrx.**' --keep_going="$keep_going" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=0 -print_final_stats=1 \
    -artifact_prefix="$findings/" "${corpora[@]}" >"$log" 2>&1
  status=$?
  set -e
  wall=$(( $(date +%s) - start ))
  fuzzed=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*' "$log" | tail -1 | awk '{ print $2, $4, $6 }')
  found=$(find "$findings" -maxdepth 1 -name 'crash-*' | wc -l)
  read -r edges features units <<<"${cov:-- - -}"
  note=""
  if [ -z "$runs" ]; then
    note="no statistics (exit $status), see $log"
  fi
  rows+=("$(printf '%-40s %7s %6s %11s %8s %7s %9s %7s %9s  %s' "$name" "${fuzzed:--}" "$wall" "${runs:--}" \
    "${speed:--}" "$edges" "$features" "$units" "$found" "$note")")
done

echo
printf '%-40s %7s %6s %11s %8s %7s %9s %7s %9s\n' target fuzz_s wall_s executions exec/s edges features corpus \
  findings
for r in "${rows[@]}"; do
  echo "$r"
done
echo
echo "Logs: $out/logs; findings (crash-*): $out/findings; grown corpora: $out/corpus"
