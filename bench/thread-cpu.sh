#!/usr/bin/env bash
# CPU seconds used so far by each thread of a process (user + system), one line per thread:
#   TID NAME TICKS
# Take a snapshot before and after a load run and subtract (see BENCHMARKS.md, serving).
# Usage: bash bench/thread-cpu.sh PID
set -euo pipefail
for t in /proc/"$1"/task/*; do
  read -r line < "$t/stat"
  # Fields after the ")" that closes the thread name: utime and stime are the 12th and 13th.
  set -- $(echo "$line" | sed 's/.*) //')
  echo "$(basename "$t") $(cat "$t/comm") $(( ${12} + ${13} ))"
done
