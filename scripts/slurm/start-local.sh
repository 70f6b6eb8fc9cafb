#!/usr/bin/env bash
# A one-node Slurm cluster on localhost (munged + slurmctld + slurmd, Debian's slurm-wlm packages) for the
# Slurm test tier and for trying `mla sweep --executor slurm` without a cluster. Idempotent: a running
# cluster is left as it is. Stop it with `scripts/slurm/start-local.sh --stop`.
#
# Everything lives under $MLA_SLURM_BASE (default /tmp/mla-slurm; keep it short: munge's socket path is
# limited to 108 bytes). Every Slurm command needs SLURM_CONF=$MLA_SLURM_BASE/etc/slurm.conf, or it reads
# the system's config silently.
set -euo pipefail

B=${MLA_SLURM_BASE:-/tmp/mla-slurm}
case $B in /*) ;; *) B=$(pwd)/$B ;; esac # absolute: a relative -f makes slurmctld fail after it daemonises
export SLURM_CONF=$B/etc/slurm.conf
SOCKET=$B/munge/munge.socket.2

alive() { # pid file → running (a zombie left by a late-reaping PID 1 counts as dead)
  local pid
  [ -f "$1" ] || return 1
  pid=$(cat "$1" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  case $(ps -o stat= -p "$pid" 2>/dev/null) in Z*) return 1 ;; esac
}

stop_all() {
  if alive "$B/run/slurmctld.pid"; then scancel --full --quiet --user="$(id -un)" 2>/dev/null || true; fi
  for f in "$B/run/slurmd.pid" "$B/run/slurmctld.pid" "$B/munge/munged.pid"; do
    if alive "$f"; then kill "$(cat "$f")"; fi
  done
  for _ in $(seq 50); do
    if ! alive "$B/run/slurmd.pid" && ! alive "$B/run/slurmctld.pid" && ! alive "$B/munge/munged.pid"; then
      echo "local Slurm in $B stopped"
      return 0
    fi
    sleep 0.1
  done
  echo "local Slurm in $B: a daemon did not stop; see $B/log" >&2
  return 1
}

wait_for() { # description, command…: polls up to 15 s
  local what=$1
  shift
  for _ in $(seq 150); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "local Slurm: $what did not come up; logs in $B/log and $B/munge" >&2
  exit 1
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if [ "${1:-}" = "--stop" ]; then
  stop_all
  exit
fi

for tool in munged mungekey slurmctld slurmd sbatch; do
  if ! command -v "$tool" >/dev/null; then
    echo "local Slurm: $tool is missing; install with:" >&2
    echo "  apt-get install -y --no-install-recommends slurmctld slurmd slurm-client munge" >&2
    exit 1
  fi
done

if alive "$B/munge/munged.pid" && alive "$B/run/slurmctld.pid" && alive "$B/run/slurmd.pid"; then
  echo "local Slurm already running in $B"
else
  for port in 6817 6818; do
    if port_busy "$port" && ! alive "$B/run/slurmctld.pid" && ! alive "$B/run/slurmd.pid"; then
      echo "local Slurm: port $port is taken by another program; stop it first" >&2
      exit 1
    fi
  done
  mkdir -p "$B"/{etc,munge,state,spool,run,log}
  chmod 0755 "$B/munge" # munged refuses a socket folder others can write to
  [ -f "$B/munge/munge.key" ] || mungekey --create --keyfile="$B/munge/munge.key"
  chmod 0600 "$B/munge/munge.key"
  node_line=$(slurmd -C | head -n 1 | sed 's/^NodeName=\([^ ]*\)/NodeName=\1 NodeAddr=127.0.0.1/')
  host=$(slurmd -C | head -n 1 | sed 's/^NodeName=\([^ ]*\).*/\1/')
  cat >"$SLURM_CONF" <<CONF
ClusterName=localcluster
SlurmctldHost=localhost
SlurmctldPort=6817
SlurmdPort=6818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# cred_expire is also how long a requeued job waits before it may start again (below 5 becomes 120)
AuthInfo=socket=$SOCKET,cred_expire=10
StateSaveLocation=$B/state
SlurmdSpoolDir=$B/spool
SlurmctldPidFile=$B/run/slurmctld.pid
SlurmdPidFile=$B/run/slurmd.pid
SlurmctldLogFile=$B/log/slurmctld.log
SlurmdLogFile=$B/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SwitchType=switch/none
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$B/log/jobcomp.txt
MailProg=/bin/true
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=5
MinJobAge=300
# without these, submitted and requeued jobs wait for slow scheduler cycles
SchedulerParameters=batch_sched_delay=0,sched_interval=1
$node_line State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  if ! alive "$B/munge/munged.pid"; then
    munged --socket="$SOCKET" --key-file="$B/munge/munge.key" --log-file="$B/munge/munged.log" \
      --pid-file="$B/munge/munged.pid" --seed-file="$B/munge/munged.seed"
  fi
  wait_for munged bash -c "munge -n -S '$SOCKET' | unmunge -S '$SOCKET'"
  alive "$B/run/slurmctld.pid" || slurmctld -f "$SLURM_CONF"
  wait_for slurmctld bash -c "scontrol ping | grep -q UP"
  alive "$B/run/slurmd.pid" || slurmd -f "$SLURM_CONF"
  wait_for slurmd bash -c "sinfo -h -N -o %T | grep -qx idle"
  echo "local Slurm started in $B (node $host)"
fi
echo "use it:  export SLURM_CONF=$SLURM_CONF"
echo "stop it: $0 --stop"
