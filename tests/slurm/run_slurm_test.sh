#!/usr/bin/env bash
# Proves that profiles/slurm really runs the pipeline on a SLURM cluster.
#
# As root on a Debian/Ubuntu machine: installs slurm-wlm and munge if absent,
# starts a one-node cluster on this host (munged, slurmctld, slurmd; no
# accounting database), then, all three at once,
#   1. runs TARGET with tests/slurm/tiny.yaml through profiles/slurm (every job
#      goes through sbatch),
#   2. runs the same locally through profiles/default, into another folder,
#   3. runs tests/slurm/probe.smk through profiles/slurm: a CPU rule and a rule
#      with `resources: gpu=1` (the node advertises one fake GPU gres), which
#      record their SLURM job, allocation and Python interpreter,
# and checks that jobs went through sbatch, that both pipeline runs wrote
# byte-identical results, that only the GPU rule got a GPU and that jobs ran
# with this script's Python. Every daemon it started is stopped on exit.
#
# Prints one line per check, "CHECK <name>: PASS|FAIL ...", then
# "SLURM TEST PASSED" (exit 0) or "SLURM TEST FAILED" (exit 1).
#
# Environment (all optional):
#   SLURM_TEST_TARGET  snakemake target(s), space separated (default: features label_study sweep)
#   SLURM_TEST_DIR     scratch folder (default: <repo>/results/slurm-test)
#   PYTHON             interpreter that has snakemake and the SLURM executor
#                      plugin (default: python3 on PATH, e.g. an active venv)
#   SLURM_TEST_PORT    slurmctld port; slurmd uses PORT+1 (default: 16817)
set -euo pipefail

TARGET="${SLURM_TEST_TARGET:-features label_study sweep}"

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TEST_DIR="${SLURM_TEST_DIR:-$REPO/results/slurm-test}"
PYTHON="${PYTHON:-python3}"
CTLD_PORT="${SLURM_TEST_PORT:-16817}"
SLURMD_PORT=$((CTLD_PORT + 1))
CLUSTER="$TEST_DIR/cluster"  # slurm.conf, spool, state and daemon logs
T0=$SECONDS

say() { printf '[slurm-test %4ds] %s\n' $((SECONDS - T0)) "$*"; }
die() { say "ERROR: $*"; echo "SLURM TEST FAILED"; exit 1; }

FAILED=0
check() {  # check NAME CONDITION_STATUS MESSAGE
  if [ "$2" -eq 0 ]; then echo "CHECK $1: PASS $3"; else echo "CHECK $1: FAIL $3"; FAILED=1; fi
}

[ "$(id -u)" -eq 0 ] || die "run as root (installs packages, starts slurm daemons)"

# --------------------------------------------------------------- python side
PYTHON="$(command -v "$PYTHON")" || die "no python interpreter '$PYTHON' on PATH"
# Jobs inherit this PATH (sbatch --export=ALL), so `python` there is ours too.
PATH="$(dirname "$PYTHON"):$PATH"
export PATH
"$PYTHON" -c 'import snakemake, snakemake_executor_plugin_slurm' 2>/dev/null \
  || die "$PYTHON lacks snakemake or snakemake-executor-plugin-slurm (pip install -r requirements)"
say "python: $PYTHON ($("$PYTHON" -m snakemake --version 2>/dev/null | tail -1) snakemake," \
  "slurm plugin $("$PYTHON" -c 'import importlib.metadata as m; print(m.version("snakemake-executor-plugin-slurm"))'))"

# ------------------------------------------------------------------ packages
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null \
  || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  say "installing slurm-wlm and munge with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
fi
say "slurm: $(slurmd -V)"

# ------------------------------------------------------------------- daemons
PIDS=()
cleanup() {
  local rc=$?
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  done
  [ ${#PIDS[@]} -eq 0 ] || say "stopped daemons ${PIDS[*]}"
  # configless slurmd's link to its config cache
  if [ "$(readlink /run/slurm/conf 2>/dev/null)" = "$CLUSTER/spool/conf-cache" ]; then
    rm -f /run/slurm/conf
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Our cluster's own config, ports and state below $CLUSTER: never touches
# /etc/slurm. Commands run here find the config through SLURM_CONF. Inside a job
# the plugin's jobstep drops every SLURM_* variable but the job's identity
# (SLURM_CONF too) before it calls srun, so srun there must find the config the
# way it does on a real compute node: the cluster runs "configless"
# (slurmd fetches the config from slurmctld and caches it, /run/slurm/conf/).
rm -rf "$CLUSTER"
mkdir -p "$CLUSTER/state" "$CLUSTER/spool"
export SLURM_CONF="$CLUSTER/slurm.conf"
HOST="$(hostname -s)"
# The node's real CPUs/memory (slurmd refuses to serve a node described bigger).
NODE_HW="$(slurmd -C | head -n1 | sed -e 's/^NodeName=[^ ]* //')"
cat >"$SLURM_CONF" <<EOF
# One-node test cluster written by tests/slurm/run_slurm_test.sh
ClusterName=snaketest
SlurmctldHost=$HOST
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$CLUSTER/state
SlurmdSpoolDir=$CLUSTER/spool
SlurmctldPidFile=$CLUSTER/slurmctld.pid
SlurmdPidFile=$CLUSTER/slurmd.pid
SlurmctldLogFile=$CLUSTER/slurmctld.log
SlurmdLogFile=$CLUSTER/slurmd.log
SlurmctldDebug=info
SlurmctldParameters=enable_configless
SlurmdDebug=info
# No cgroups in containers: track processes by parent pid, no task binding.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
# No accounting database: job states come from squeue, which shows finished
# jobs for MinJobAge seconds.
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MinJobAge=3600
ReturnToService=2
MpiDefault=none
SlurmdTimeout=60
# One fake GPU (no device file) so that --gpus=1 requests can be scheduled.
GresTypes=gpu
NodeName=$HOST $NODE_HW Gres=gpu:1 State=UNKNOWN
PartitionName=main Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
# slurmd drops file-less GPUs; /dev/null stands in (task/none binds no device).
echo "NodeName=$HOST Name=gpu File=/dev/null" >"$CLUSTER/gres.conf"

# munge: reuse a running munged, else start one (as user munge, foreground).
if munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then
  say "munged already running: reusing it"
else
  [ -s /etc/munge/munge.key ] || {
    say "creating /etc/munge/munge.key"
    mkdir -p /etc/munge
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none
    chown munge:munge /etc/munge/munge.key
    chmod 400 /etc/munge/munge.key
  }
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge
  chmod 755 /run/munge
  setpriv --reuid=munge --regid=munge --init-groups /usr/sbin/munged --foreground \
    >"$CLUSTER/munged.out" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 50); do
    munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1 && break
    sleep 0.2
  done
  munge -n </dev/null | unmunge >/dev/null || die "munged did not start: $(cat "$CLUSTER/munged.out")"
  say "started munged (pid ${PIDS[-1]})"
fi

slurmctld -D -i -f "$SLURM_CONF" >"$CLUSTER/slurmctld.out" 2>&1 &
PIDS+=($!)
env -u SLURM_CONF slurmd -D --conf-server "$HOST:$CTLD_PORT" >"$CLUSTER/slurmd.out" 2>&1 &
PIDS+=($!)
say "started slurmctld (pid ${PIDS[-2]}) and slurmd (pid ${PIDS[-1]}) on $HOST, ports $CTLD_PORT/$SLURMD_PORT"
state=""
for _ in $(seq 60); do
  state="$(sinfo -h -n "$HOST" -o '%T' 2>/dev/null | head -n1 || true)"
  case "$state" in idle) break ;; *drain* | *inval*) break ;; esac
  sleep 1
done
if [ "$state" != idle ]; then
  tail -n 20 "$CLUSTER/slurmctld.log" "$CLUSTER/slurmd.log" "$CLUSTER"/*.out 2>/dev/null || true
  die "node $HOST is '${state:-unknown}', not idle"
fi
say "cluster up: $(sinfo -h -o '%P %D %T %c CPUs %m MB %G')"

# ---------------------------------------------------------------------- runs
cd "$REPO"
NCPUS="$(sinfo -h -n "$HOST" -o '%c' | head -n1)"
# The three runs go at once (the SLURM jobs mostly wait for the scheduler's polls): the
# pipeline through profiles/slurm into $TEST_DIR/slurm, the same locally into
# $TEST_DIR/local, and the probe. Their outputs are disjoint, so Snakemake's locks let
# them share the repository's .snakemake folder.
rm -rf "$TEST_DIR/slurm" "$TEST_DIR/local" "$TEST_DIR/probe" \
  "$TEST_DIR/slurm_logs" "$TEST_DIR"/*.log
mkdir -p "$TEST_DIR"
# --max-threads: rules may ask for more threads than this one node has (sbatch
# would reject them); the local run caps threads at --cores the same way.
PIPELINE_ARGS=(--configfile tests/slurm/tiny.yaml --max-threads "$NCPUS")
# Without an accounting database sacct cannot report job states: poll squeue
# (MinJobAge=3600 keeps finished jobs there). Poll early: jobs take seconds.
SLURM_ARGS=(--workflow-profile "$REPO/profiles/slurm"
  --slurm-status-command squeue --slurm-init-seconds-before-status-checks 2
  --slurm-keep-successful-logs --slurm-logdir "$TEST_DIR/slurm_logs")

run() {  # run NAME COMMAND...: log to $TEST_DIR/NAME.log, print elapsed time
  local name=$1 start=$SECONDS rc=0
  shift
  say "run $name: ${*/#$REPO\//}"
  "$@" >"$TEST_DIR/$name.log" 2>&1 || rc=$?
  # Snakemake 9.27: a run that ends removes .snakemake/locks, and one starting in that moment dies
  # before any job (tests/snakemake_runner.py LOCK_RACE); such a run goes once more.
  if [ "$rc" -ne 0 ] && grep -Eq 'FileNotFoundError: .*\.snakemake/locks/[0-9]+\.[a-z]+\.lock' "$TEST_DIR/$name.log"; then
    say "run $name: lost Snakemake's lock-folder race before any job; once more"
    rc=0
    "$@" >"$TEST_DIR/$name.log" 2>&1 || rc=$?
  fi
  say "run $name: exit $rc after $((SECONDS - start)) s (log: $TEST_DIR/$name.log)"
  if [ "$rc" -ne 0 ]; then
    tail -n 40 "$TEST_DIR/$name.log"
  fi
  return "$rc"
}

# shellcheck disable=SC2086  # TARGET may name several targets
run slurm "$PYTHON" -m snakemake $TARGET "${PIPELINE_ARGS[@]}" \
  --config "results_dir=$TEST_DIR/slurm" "${SLURM_ARGS[@]}" &
SLURM_PID=$!
# shellcheck disable=SC2086
run local "$PYTHON" -m snakemake $TARGET "${PIPELINE_ARGS[@]}" \
  --config "results_dir=$TEST_DIR/local" &
LOCAL_PID=$!
run probe "$PYTHON" -m snakemake --snakefile tests/slurm/probe.smk \
  --directory "$TEST_DIR/probe" "${SLURM_ARGS[@]}" --max-threads "$NCPUS" &
PROBE_PID=$!

rc=0
wait "$SLURM_PID" || rc=$?
check slurm-run $rc "(snakemake $TARGET --workflow-profile profiles/slurm exit status $rc)"
rc=0
wait "$LOCAL_PID" || rc=$?
check local-run $rc "(snakemake $TARGET with profiles/default, exit status $rc)"
rc=0
grep -q "workflow specific profile profiles/default" "$TEST_DIR/local.log" || rc=$?
check default-profile $rc "(local run picked up profiles/default by itself)"
rc=0
wait "$PROBE_PID" || rc=$?
check probe-run $rc "(tests/slurm/probe.smk through profiles/slurm, exit status $rc)"

# -------------------------------------------------------------------- checks
"$PYTHON" tests/slurm/checks.py --python "$PYTHON" \
  --profile profiles/slurm/config.yaml --slurmctld-log "$CLUSTER/slurmctld.log" \
  --slurm-log "$TEST_DIR/slurm.log" \
  --slurm-results "$TEST_DIR/slurm" --local-results "$TEST_DIR/local" \
  --probe-log "$TEST_DIR/probe.log" --probe-dir "$TEST_DIR/probe/probe" || FAILED=1

say "total $((SECONDS - T0)) s"
if [ "$FAILED" -eq 0 ]; then
  echo "SLURM TEST PASSED"
else
  echo "SLURM TEST FAILED"
  exit 1
fi
