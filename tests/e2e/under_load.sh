#!/bin/sh
# Runs a test beside N CPU-bound processes, which are stopped when it ends (however it ends), and
# gives up after SECONDS: races that an idle machine hides (a delivery report overtaking the
# record of its submission) show up under load.
#   under_load.sh N SECONDS COMMAND [ARGS...]
set -u
busy=$1
limit=$2
shift 2
pids=""
stop_busy() {
  [ -n "$pids" ] && kill $pids 2>/dev/null
  pids=""
}
trap stop_busy EXIT
trap 'stop_busy; exit 130' INT TERM
i=0
while [ "$i" -lt "$busy" ]; do
  sh -c 'while :; do :; done' &
  pids="$pids $!"
  i=$((i + 1))
done
echo "under load: $busy CPU-bound processes ($pids)"
timeout --kill-after=10 "$limit" "$@"
status=$?
stop_busy
[ "$status" -eq 124 ] && echo "under load: gave up after $limit s"
exit "$status"
