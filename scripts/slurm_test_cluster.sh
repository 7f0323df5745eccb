#!/usr/bin/env bash
# A real one-node SLURM cluster on this machine, for testing the workflow's SLURM profile
# (tests/test_slurm.py). Needs root and a Debian/Ubuntu machine; works without systemd (containers,
# CI runners): the daemons are started directly.
#
#   bash scripts/slurm_test_cluster.sh start    # install what is missing, configure, start, wait until usable
#   bash scripts/slurm_test_cluster.sh status   # sinfo and squeue
#   bash scripts/slurm_test_cluster.sh stop     # stop the daemons this script started
#
# `start` is idempotent: when the cluster already answers (node idle, `srun true` works) it does
# nothing. It never overwrites a slurm.conf that it did not write itself (a real cluster's).
# The node is this host (`hostname -s`) with its CPUs and memory less some headroom; no accounting
# (no slurmdbd, so no sacct: the workflow asks squeue), no cgroups (memory is a scheduling request,
# not a hard limit). Logs: /var/log/slurm-test/. State: /var/spool/slurm-test/.
set -euo pipefail

CONF_DIR=/etc/slurm
CONF=$CONF_DIR/slurm.conf
CGROUP_CONF=$CONF_DIR/cgroup.conf
MARKER="# Written by npm1-flt3 scripts/slurm_test_cluster.sh"
STATE=/var/spool/slurm-test
LOGS=/var/log/slurm-test
RUN=/run/slurm-test
MUNGE_KEY=/etc/munge/munge.key
MUNGE_PID=/run/munge/munged.pid
WAIT_SECONDS=${SLURM_TEST_WAIT_SECONDS:-60}

say() { echo "slurm_test_cluster: $*"; }
die() { echo "slurm_test_cluster: ERROR: $*" >&2; exit 1; }

# A process is alive when it exists and is not a zombie (without an init that reaps them, as in
# many containers, a killed daemon can linger as one).
process_alive() {
  kill -0 "$1" 2>/dev/null && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}
pid_alive() {
  local pid
  pid=$(cat "$1" 2>/dev/null) && [ -n "$pid" ] && process_alive "$pid"
}

# Stop the daemon whose pid file is $2 (TERM, then KILL after 10 s).
stop_daemon() {
  local name=$1 pidfile=$2 pid
  pid=$(cat "$pidfile" 2>/dev/null) || return 0
  if [ -n "$pid" ] && process_alive "$pid"; then
    say "stopping $name (pid $pid)"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do process_alive "$pid" || break; sleep 0.5; done
    if process_alive "$pid"; then kill -9 "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$pidfile"
}

diagnostics() {
  {
    echo "---- sinfo -N -l ----"; sinfo -N -l 2>&1 || true
    echo "---- scontrol show node ----"; scontrol show node 2>&1 | head -30 || true
    for log in "$LOGS/slurmctld.log" "$LOGS/slurmd.log" /var/log/munge/munged.log; do
      echo "---- tail -n 40 $log ----"; tail -n 40 "$log" 2>&1 || true
    done
  } >&2
}

cluster_ready() {
  # The node accepts work and a job step really runs on it (a node busy with every CPU allocated
  # is up too: a test step would only wait for a free CPU).
  local state
  state=$(timeout 10 sinfo -h -o %t 2>/dev/null | head -n1) || return 1
  case "$state" in
    alloc) return 0 ;;
    idle | mix) timeout 20 srun -N1 --mem=10 -t 1 true >/dev/null 2>&1 ;;
    *) return 1 ;;
  esac
}

install_missing() {
  local missing=()
  command -v munged >/dev/null || missing+=(munge)
  for binary in slurmctld slurmd sinfo srun sbatch squeue scontrol; do
    command -v "$binary" >/dev/null || { missing+=(slurm-wlm); break; }
  done
  ((${#missing[@]})) || return 0
  command -v apt-get >/dev/null || die "missing ${missing[*]} and there is no apt-get here; install SLURM and MUNGE yourself"
  say "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

write_config() {
  local node cpus mem_total_mb headroom_mb real_mb new
  node=$(hostname -s)
  [ -n "$node" ] || die "hostname -s is empty; set a hostname first"
  cpus=$(nproc)
  mem_total_mb=$(awk '/^MemTotal:/ {print int($2 / 1024)}' /proc/meminfo)
  # Leave the larger of 1 GB and 10% to the system and the daemons; slurmd drains a node that
  # claims more memory than it has.
  headroom_mb=$((mem_total_mb / 10 > 1024 ? mem_total_mb / 10 : 1024))
  real_mb=$((mem_total_mb - headroom_mb))
  ((real_mb >= 512)) || die "only ${mem_total_mb} MB of memory: too little for a test cluster"

  new=$(cat <<CONF
$MARKER
# One-node test cluster; re-written by 'start' when this machine changes. Do not use in production.
ClusterName=npm1flt3test
SlurmctldHost=$node(127.0.0.1)
SlurmUser=root
SlurmctldPort=6817
SlurmdPort=6818
AuthType=auth/munge
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/d
SlurmctldPidFile=$RUN/slurmctld.pid
SlurmdPidFile=$RUN/slurmd.pid
SlurmctldLogFile=$LOGS/slurmctld.log
SlurmdLogFile=$LOGS/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No cgroups (containers and CI runners often cannot delegate them): plain process tracking.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
# No accounting daemon: sacct does not work, so the workflow polls squeue, which shows a finished
# job for MinJobAge seconds; keep that well above Snakemake's status-check interval.
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MinJobAge=300
# Cores and memory are both consumable: a job's --mem is a scheduling request.
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
SlurmdTimeout=60
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$real_mb State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
)
  mkdir -p "$CONF_DIR"
  CONFIG_CHANGED=0
  if [ -f "$CONF" ] && [ "$(cat "$CONF")" = "$new" ]; then
    return 0
  fi
  printf '%s\n' "$new" >"$CONF"
  CONFIG_CHANGED=1
  say "wrote $CONF (node $node: $cpus CPUs, RealMemory $real_mb MB of $mem_total_mb MB)"
  return 0
}

start_munge() {
  if [ ! -s "$MUNGE_KEY" ]; then
    say "creating $MUNGE_KEY"
    mkdir -p "$(dirname "$MUNGE_KEY")"
    if command -v mungekey >/dev/null; then
      mungekey --create --keyfile="$MUNGE_KEY"
    else
      dd if=/dev/urandom bs=1 count=1024 of="$MUNGE_KEY" status=none
    fi
  fi
  local user=root
  id munge >/dev/null 2>&1 && user=munge
  chown "$user:" "$MUNGE_KEY" && chmod 0400 "$MUNGE_KEY"
  mkdir -p /run/munge /var/lib/munge /var/log/munge
  chown "$user:" /run/munge /var/lib/munge /var/log/munge /etc/munge
  chmod 0700 /etc/munge /var/lib/munge /var/log/munge
  chmod 0755 /run/munge
  if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    return 0  # a munged is already answering (ours or the system's)
  fi
  say "starting munged"
  if [ "$user" = munge ]; then
    runuser -u munge -- munged --pid-file="$MUNGE_PID"
  else
    munged --force --pid-file="$MUNGE_PID"
  fi
  touch "$RUN/munged.ours"
  for _ in $(seq 1 20); do
    munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  diagnostics
  die "munged does not answer"
}

stop_slurm() {
  stop_daemon slurmd "$RUN/slurmd.pid"
  stop_daemon slurmctld "$RUN/slurmctld.pid"
}

stop_munge() {
  # Only a munged that this script started: a system munged may serve other things.
  if [ -e "$RUN/munged.ours" ]; then
    stop_daemon munged "$MUNGE_PID"
  fi
  rm -f "$RUN/munged.ours"
}

cmd_start() {
  [ "$(id -u)" -eq 0 ] || die "must run as root (it installs packages, writes $CONF and starts system daemons)"
  [ "$(uname -s)" = Linux ] || die "needs Linux"
  if [ -f "$CONF" ] && ! grep -qxF "$MARKER" "$CONF"; then
    die "$CONF exists and was not written by this script (a real cluster?); not touching it"
  fi
  install_missing
  mkdir -p "$STATE/ctld" "$STATE/d" "$LOGS" "$RUN"

  write_config
  if ((CONFIG_CHANGED == 0)) && pid_alive "$RUN/slurmctld.pid" && pid_alive "$RUN/slurmd.pid" && cluster_ready; then
    say "already running"
    sinfo
    return 0
  fi
  if ((CONFIG_CHANGED)) || ! pid_alive "$RUN/slurmctld.pid" || ! pid_alive "$RUN/slurmd.pid"; then
    # A stale or half-started cluster (or a new config): start both daemons afresh.
    stop_slurm
  fi
  # slurmd reads cgroup.conf only for cgroup plugins, which this config does not use; write a
  # placeholder unless the machine has its own.
  if [ ! -f "$CGROUP_CONF" ] || grep -qxF "$MARKER" "$CGROUP_CONF"; then
    printf '%s\n' "$MARKER" "# Not used: ProctrackType=proctrack/linuxproc, TaskPlugin=task/none" >"$CGROUP_CONF"
  fi

  start_munge
  if ! pid_alive "$RUN/slurmctld.pid"; then
    say "starting slurmctld"
    # -c: forget jobs of earlier test runs; -i: ignore state files that do not match this config.
    slurmctld -c -i || { diagnostics; die "slurmctld did not start"; }
  fi
  if ! pid_alive "$RUN/slurmd.pid"; then
    say "starting slurmd"
    slurmd -N "$(hostname -s)" || { diagnostics; die "slurmd did not start"; }
  fi

  local deadline=$((SECONDS + WAIT_SECONDS)) resumed=0 state
  until cluster_ready; do
    state=$(timeout 10 sinfo -h -o %t 2>/dev/null | head -n1 || true)
    # A node that was down at the last shutdown comes back as down/drained: bring it back once.
    if ((resumed == 0)) && [[ "$state" =~ ^(down|drain|drng) ]]; then
      scontrol update NodeName="$(hostname -s)" State=RESUME >/dev/null 2>&1 || true
      resumed=1
    fi
    if ((SECONDS >= deadline)); then
      diagnostics
      die "the cluster is not usable after ${WAIT_SECONDS}s (node state: '${state:-no answer}')"
    fi
    sleep 1
  done
  say "cluster is up"
  sinfo
}

cmd_stop() {
  [ "$(id -u)" -eq 0 ] || die "must run as root"
  stop_slurm
  stop_munge
  say "stopped"
}

cmd_status() {
  command -v sinfo >/dev/null || die "SLURM is not installed (run: $0 start)"
  sinfo || die "slurmctld does not answer (run: $0 start)"
  squeue
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
