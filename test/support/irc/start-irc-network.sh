#!/usr/bin/env bash
# Vendored from ../shared/irc/start-irc-network.sh (the project's shared test network), so CI can
# run from a fresh clone. Local changes: the opt-in IRC_THRESHOLD / IRC_COMMANDRATE flood limits
# and IRC_NO_ACCOUNT_TAG;
# "auto" ports picked below the kernel's ephemeral range, and picked again when one was taken
# before inspircd bound it; a start-up limit for a loaded machine (90 s, reached only on failure).
#
# start-irc-network.sh - a throwaway, loopback-only IRC network for integration tests:
#   InspIRCd 3 (Debian package "inspircd")  +  Atheme 7.2 services (package "atheme-services"),
#   linked over a server link, with NickServ, SaslServ (SASL PLAIN), and the IRCv3 caps
#   account-tag, account-notify, extended-join (plus server-time, message-tags, ...).
#
# Usage:
#   start-irc-network.sh [start] [DIR]   start in the background, print IRC_* lines + READY, exit 0
#   start-irc-network.sh run [DIR]       same, but stay in the foreground; SIGTERM/SIGINT/HUP stops all
#   start-irc-network.sh stop DIR        stop the daemons started for DIR (by their PIDs)
#   start-irc-network.sh status DIR      exit 0 if the network in DIR is up and linked
# DIR defaults to a fresh `mktemp -d`. Configs, data (services.db), logs and pid files live in DIR.
# Starting again on the same DIR is idempotent: if it is already up it just prints READY again;
# otherwise configs are rewritten and accounts in DIR/data/services.db are kept.
#
# Environment:
#   IRC_PORT=16667        client port on 127.0.0.1 ("auto" = pick a free random port)
#   IRC_LINK_PORT=17000   server-link port on 127.0.0.1 for the services ("auto" allowed)
#   IRC_ACCOUNTS="alice:pw1 bob:pw2"  NickServ accounts to register once the network is up
#   IRC_RUN_AS=user       when root: run the daemons as this user (setpriv) instead of --runasroot
#   IRC_START_TIMEOUT=90  seconds to wait for the server + services link (only a failure waits so long)
#   IRC_NO_INSTALL=1      never call apt-get (fail if the packages are missing)
#   IRC_THRESHOLD=n       opt-in flood limit (InspIRCd <connect threshold>): a client whose command
#   IRC_COMMANDRATE=m     penalty passes n is killed with "Excess Flood" (no fake lag); the penalty
#                         drains at m/1000 commands a second. Unset: no flood limit at all.
#   IRC_NO_ACCOUNT_TAG=1  leave out account-tag (messages do not say their sender's account), as on
#                         networks that lack it: a bot must ask WHOIS
#
# stdout carries only machine-readable lines (IRC_HOST=, IRC_PORT=, IRC_LINK_PORT=, IRC_DIR=,
# IRC_START_MS=, READY); progress and errors go to stderr.
set -euo pipefail

PROG=${0##*/}
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { log "error: $*"; exit 1; }

INSPIRCD_BIN=/usr/sbin/inspircd
ATHEME_BIN=/usr/bin/atheme-services
IRC_HOST=127.0.0.1
SERVER_NAME=irc.test
SERVICES_NAME=services.test
NETWORK_NAME=TestNet
IRC_START_TIMEOUT=${IRC_START_TIMEOUT:-90}

now_ms() { local t; t=$(date +%s%N); echo $((t / 1000000)); }

# ---------------------------------------------------------------------------------------------
# Packages
# ---------------------------------------------------------------------------------------------
ensure_packages() {
  local need=()
  [[ -x $INSPIRCD_BIN ]] || need+=(inspircd)
  [[ -x $ATHEME_BIN ]] || need+=(atheme-services)
  ((${#need[@]} == 0)) && return 0
  [[ ${IRC_NO_INSTALL:-0} == 1 ]] && die "missing packages: ${need[*]} (IRC_NO_INSTALL=1)"
  local sudo=()
  if ((EUID != 0)); then
    if ! { command -v sudo >/dev/null && sudo -n true 2>/dev/null; }; then
      die "missing packages ${need[*]}; run as root or: apt-get install -y --no-install-recommends ${need[*]}"
    fi
    sudo=(sudo -n)
  fi
  log "installing ${need[*]} ..."
  # Keep the packages' postinst from starting the system-wide inspircd (6667) on machines that
  # have no policy-rc.d (Docker images usually ship one that denies starts).
  local made_policy=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee /usr/sbin/policy-rc.d >/dev/null
    "${sudo[@]}" chmod 755 /usr/sbin/policy-rc.d
    made_policy=1
  fi
  local apt_log=$DIR/logs/apt-get.log rc=0
  {
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}" ||
      { "${sudo[@]}" apt-get update && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}"; }
  } >"$apt_log" 2>&1 || rc=$?
  ((made_policy)) && "${sudo[@]}" rm -f /usr/sbin/policy-rc.d
  if ((rc != 0)); then tail -n 20 "$apt_log" >&2; die "apt-get install failed (see $apt_log)"; fi
  [[ -x $INSPIRCD_BIN && -x $ATHEME_BIN ]] || die "packages installed but binaries not found"
}

# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------
port_open() { (exec 3<>"/dev/tcp/$IRC_HOST/$1") 2>/dev/null; }

pick_port() { # print a port nobody listens on (racy: launch_ircd notices a port taken meanwhile)
  # Below the ephemeral range, where the kernel puts the local end of outgoing connections (a
  # test suite has hundreds open, to Postgres among others); inspircd cannot bind a port one uses.
  local p low=32768 range
  range=$(cat /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null) && low=${range%%[[:space:]]*}
  ((low > 12000)) || low=61000   # an unusual range: stay above it instead
  for _ in $(seq 1 50); do
    if ((low == 61000)); then p=$((61000 + RANDOM % 4000)); else p=$((10000 + RANDOM % (low - 10000))); fi
    port_open "$p" || { echo "$p"; return 0; }
  done
  die "could not find a free port"
}

pid_alive() { # running and not a zombie
  local pid=$1 state
  [[ -n $pid && -r /proc/$pid/stat ]] || return 1
  state=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -c1) || return 1
  [[ $state != Z && $state != X ]]
}

read_pid() { [[ -s $1 ]] && tr -dc '0-9' <"$1" || true; }

# PIDs of the daemons of $DIR: from the daemons' own pid files and from launcher.pids (written by
# this script), kept only if alive and their command line names this DIR's config file (guards
# against recycled PIDs and against touching anybody else's processes).
daemon_pid() { # daemon_pid inspircd|atheme
  local name=$1 conf pid cand
  conf=$DIR/$name.conf
  for cand in "$(read_pid "$DIR/run/$name.pid")" "$(sed -n "s/^$name //p" "$DIR/run/launcher.pids" 2>/dev/null)"; do
    pid=$cand
    [[ -n $pid ]] && pid_alive "$pid" || continue
    if tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qxF -- "$conf"; then
      echo "$pid"; return 0
    fi
  done
  return 1
}

# Opens a client connection, sends CAP LS 302 and prints the first CAP line. Needs no registration.
cap_ls() {
  local fd line
  { exec {fd}<>"/dev/tcp/$IRC_HOST/$IRC_PORT"; } 2>/dev/null || return 1
  printf 'CAP LS 302\r\n' 1>&"$fd"
  line=
  IFS= read -r -t 3 line <&"$fd" || true
  printf 'QUIT\r\n' 1>&"$fd" 2>/dev/null || true
  exec {fd}>&-
  [[ -n $line ]] && printf '%s\n' "${line%$'\r'}"
}

# The network is usable when the ircd answers and advertises "sasl": InspIRCd only advertises the
# sasl cap while the SASL target (the services server) is linked and has sent its mechanism list.
network_ready() {
  local caps
  caps=$(cap_ls) || return 1
  [[ $caps == *" sasl"* || $caps == *":sasl"* ]]
}

load_env() { # restore the ports of a DIR that was started earlier
  if [[ -r $DIR/network.env ]]; then
    # shellcheck disable=SC1091
    source "$DIR/network.env"
  fi
}

# ---------------------------------------------------------------------------------------------
# Configs
# ---------------------------------------------------------------------------------------------
write_configs() {
  local pass=$1
  # Flood limits: off unless asked for (tests that prove flood control set them).
  local threshold=1000 commandrate=1000000
  if [[ -n ${IRC_THRESHOLD:-} ]]; then
    [[ $IRC_THRESHOLD =~ ^[0-9]+$ && ${IRC_COMMANDRATE:-1000} =~ ^[0-9]+$ ]] ||
      die "IRC_THRESHOLD and IRC_COMMANDRATE must be whole numbers"
    threshold=$IRC_THRESHOLD commandrate=${IRC_COMMANDRATE:-1000}
  fi
  cat >"$DIR/inspircd.conf" <<EOF
# Generated by $PROG - InspIRCd 3 test server, loopback only.
<server name="$SERVER_NAME" description="Test IRC server" network="$NETWORK_NAME" id="001">
<admin name="test" nick="test" email="test@localhost">
<path configdir="$DIR" datadir="$DIR/data" logdir="$DIR/logs" runtimedir="$DIR/run">
<pid file="$DIR/run/inspircd.pid">
<bind address="$IRC_HOST" port="$IRC_PORT" type="clients">
<bind address="$IRC_HOST" port="$IRC_LINK_PORT" type="servers">
<dns server="127.0.0.1" timeout="1">
<log method="file" type="* -USERINPUT -USEROUTPUT" level="default" target="$DIR/logs/inspircd.log" flush="1">

# One permissive class: many clients from 127.0.0.1, no DNS lookups, no fake lag; flood kills only
# with IRC_THRESHOLD.
<connect name="main" allow="*" motd="$DIR/motd.txt" timeout="60" pingfreq="120"
         hardsendq="1M" softsendq="64K" recvq="64K" threshold="$threshold" commandrate="$commandrate"
         fakelag="no" localmax="1000" globalmax="1000" maxconnwarn="off" limit="5000"
         resolvehostnames="no" useident="no">

<options prefixquit="Quit: " syntaxhints="no" announcets="yes" hostintopic="yes" pingwarning="15" splitwhois="no">
<security announceinvites="dynamic" hideserver="" userstats="Pu" customversion="" flatlinks="no"
          hidesplits="no" hideulines="no" hidebans="no" maxtargets="20">
<performance quietbursts="yes" softlimit="1024" somaxconn="128" netbuffersize="10240" clonesonconnect="no" timeskipwarn="0">
<limits maxnick="30" maxchan="64" maxmodes="20" maxident="10" maxhost="64" maxquit="255" maxtopic="307"
        maxkick="255" maxreal="128" maxaway="200" maxline="512">

# Server linking + services support.
<module name="spanningtree">
<module name="services_account">
<module name="sasl">
<module name="svshold">
<module name="chghost">
<module name="cban">
<module name="deaf">
<module name="servprotect">
<module name="hidechans">

# IRCv3.
<module name="cap">
<module name="ircv3">
$( [[ ${IRC_NO_ACCOUNT_TAG:-0} == 1 ]] || echo '<module name="ircv3_accounttag">' )
<module name="ircv3_batch">
<module name="ircv3_capnotify">
<module name="ircv3_chghost">
<module name="ircv3_ctctags">
<module name="ircv3_echomessage">
<module name="ircv3_invitenotify">
<module name="ircv3_msgid">
<module name="ircv3_servertime">
<module name="namesx">
<module name="uhnames">
<module name="setname">
<module name="monitor">
<module name="botmode">

# /NS, /NICKSERV, /CS, /CHANSERV shortcuts.
<module name="alias">
<alias text="NICKSERV" replace="PRIVMSG \$requirement :\$2-" requires="NickServ" uline="yes">
<alias text="NS"       replace="PRIVMSG \$requirement :\$2-" requires="NickServ" uline="yes">
<alias text="CHANSERV" replace="PRIVMSG \$requirement :\$2-" requires="ChanServ" uline="yes">
<alias text="CS"       replace="PRIVMSG \$requirement :\$2-" requires="ChanServ" uline="yes">

<link name="$SERVICES_NAME" ipaddr="$IRC_HOST" port="$IRC_LINK_PORT" allowmask="127.0.0.0/8"
      sendpass="$pass" recvpass="$pass">
<uline server="$SERVICES_NAME" silent="yes">
<sasl target="$SERVICES_NAME" requiressl="no">
EOF
  echo "Test IRC network ($PROG)" >"$DIR/motd.txt"

  cat >"$DIR/atheme.conf" <<EOF
/* Generated by $PROG - Atheme 7.2 services for the test network. */
loadmodule "modules/protocol/inspircd";
loadmodule "modules/backend/opensex";
loadmodule "modules/crypto/pbkdf2v2";

loadmodule "modules/nickserv/main";
loadmodule "modules/nickserv/help";
loadmodule "modules/nickserv/register";
loadmodule "modules/nickserv/identify";
loadmodule "modules/nickserv/login";
loadmodule "modules/nickserv/logout";
loadmodule "modules/nickserv/info";
loadmodule "modules/nickserv/status";
loadmodule "modules/nickserv/ghost";
loadmodule "modules/nickserv/drop";
loadmodule "modules/nickserv/group";
loadmodule "modules/nickserv/set_core";
loadmodule "modules/nickserv/set_password";
loadmodule "modules/nickserv/set_accountname";

loadmodule "modules/saslserv/main";
loadmodule "modules/saslserv/plain";

loadmodule "modules/chanserv/main";
loadmodule "modules/chanserv/help";
loadmodule "modules/chanserv/register";
loadmodule "modules/chanserv/info";
loadmodule "modules/chanserv/flags";
loadmodule "modules/chanserv/op";
loadmodule "modules/chanserv/voice";

serverinfo {
	name = "$SERVICES_NAME";
	desc = "Atheme IRC Services";
	numeric = "00A";
	recontime = 1;
	netname = "$NETWORK_NAME";
	hidehostsuffix = "users.test";
	adminname = "test";
	adminemail = "test@localhost";
	registeremail = "noreply@localhost";
	loglevel = { error; info; admin; network; register; };
	maxlogins = 100;
	maxusers = 100;
	mdlimit = 30;
	emaillimit = 10;
	emailtime = 300;
	auth = none;
	casemapping = rfc1459;
};

uplink "$SERVER_NAME" {
	host = "$IRC_HOST";
	port = $IRC_LINK_PORT;
	send_password = "$pass";
	receive_password = "$pass";
};

nickserv {
	nick = "NickServ";
	user = "NickServ";
	host = "$SERVICES_NAME";
	real = "Nickname Services";
	maxnicks = 5;
	expire = 0;
};

chanserv {
	nick = "ChanServ";
	user = "ChanServ";
	host = "$SERVICES_NAME";
	real = "Channel Services";
	maxchans = 100;
	expire = 0;
	templates {
		vop = "+AV";
		hop = "+AHehitrv";
		aop = "+AOehiortv";
		sop = "+AOaefhiorstv";
		founder = "+AFORaefhiorstv";
	};
};

saslserv {
	nick = "SaslServ";
	user = "SaslServ";
	host = "$SERVICES_NAME";
	real = "SASL Authentication Agent";
};

general {
	ratelimit_uses = 1000;
	ratelimit_period = 1;
	flood_msgs = 0;
	flood_time = 0;
	kline_time = 0;
	commit_interval = 1;
	default_clone_allowed = 1000;
	default_clone_warn = 1000;
	uplink_sendq_limit = 1048576;
	language = "en";
};
EOF
}

# ---------------------------------------------------------------------------------------------
# Start / stop
# ---------------------------------------------------------------------------------------------
stop_network() {
  local name pid pids=()
  # atheme first (clean SQUIT, writes services.db), then the ircd.
  for name in atheme inspircd; do
    if pid=$(daemon_pid "$name"); then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  local deadline=$(($(now_ms) + 5000)) alive
  while :; do
    alive=()
    for pid in ${pids[@]+"${pids[@]}"}; do pid_alive "$pid" && alive+=("$pid"); done
    ((${#alive[@]} == 0)) && break
    if (($(now_ms) > deadline)); then
      log "killing ${alive[*]} with SIGKILL"
      kill -KILL "${alive[@]}" 2>/dev/null || true
      sleep 0.2
      break
    fi
    sleep 0.05
  done
  rm -f "$DIR/run/atheme.pid" "$DIR/run/inspircd.pid" "$DIR/run/launcher.pids"
  if ((${#pids[@]})); then log "stopped (pids ${pids[*]})"; else log "nothing running in $DIR"; fi
  return 0
}

already_running() {
  daemon_pid inspircd >/dev/null && daemon_pid atheme >/dev/null
}

print_ready() {
  printf 'IRC_HOST=%s\nIRC_PORT=%s\nIRC_LINK_PORT=%s\nIRC_DIR=%s\nIRC_START_MS=%s\nREADY\n' \
    "$IRC_HOST" "$IRC_PORT" "$IRC_LINK_PORT" "$DIR" "$1"
}

register_accounts() { # IRC_ACCOUNTS="name:password ..." ; registers in parallel, ok if already registered
  local spec name pass pids=() rc=0
  for spec in ${IRC_ACCOUNTS:-}; do
    name=${spec%%:*}; pass=${spec#*:}
    [[ -n $name && -n $pass && $spec == *:* ]] || die "bad IRC_ACCOUNTS entry '$spec' (want name:password)"
    register_one "$name" "$pass" &
    pids+=($!)
  done
  for spec in ${pids[@]+"${pids[@]}"}; do wait "$spec" || rc=1; done
  return $rc
}

register_one() {
  local name=$1 pass=$2 fd line ok=0 deadline=$((SECONDS + 15))
  { exec {fd}<>"/dev/tcp/$IRC_HOST/$IRC_PORT"; } 2>/dev/null || { log "register $name: cannot connect"; return 1; }
  printf 'NICK %s\r\nUSER %s 0 * :%s\r\n' "$name" "$name" "$name" 1>&"$fd"
  while ((SECONDS < deadline)) && IFS= read -r -t 10 line <&"$fd"; do
    line=${line%$'\r'}
    case $line in
      PING\ *) printf 'PONG %s\r\n' "${line#PING }" 1>&"$fd" ;;
      *" 001 "*) printf 'PRIVMSG NickServ :REGISTER %s %s@example.invalid\r\n' "$pass" "$name" 1>&"$fd" ;;
      *" 433 "*) log "register $name: nick in use"; break ;;
      *"NOTICE $name :"*"registered to"*) ok=1; log "account $name registered"; break ;;
      *"NOTICE $name :"*"is already registered"*) # existing account: check the password matches
        printf 'PRIVMSG NickServ :IDENTIFY %s\r\n' "$pass" 1>&"$fd" ;;
      *"NOTICE $name :"*"now identified for"*) ok=1; log "account $name already existed"; break ;;
      *"NOTICE $name :"*"Invalid password"*) log "account $name exists with another password"; break ;;
      *"NOTICE $name :This nickname is registered"*) ;;
      *"NOTICE $name :Syntax: "*) break ;;   # follows a rejection message (e.g. password == nick)
      *"NOTICE $name :"*) log "register $name: ${line#*NOTICE "$name" :}" ;;
    esac
  done
  printf 'QUIT\r\n' 1>&"$fd" 2>/dev/null || true
  exec {fd}>&-
  ((ok)) || { log "account $name: registration failed"; return 1; }
}

# Writes the configs for IRC_PORT/IRC_LINK_PORT and starts inspircd until its client port is open.
# Returns 2 when a listener failed to bind (the port was taken meanwhile); dies on other failures.
# Sets ip (its pid), log_offset and out_offset (where this start's log lines begin).
launch_ircd() {
  local deadline=$1
  [[ $IRC_PORT =~ ^[0-9]+$ && $IRC_LINK_PORT =~ ^[0-9]+$ ]] || die "IRC_PORT/IRC_LINK_PORT must be numbers or 'auto'"
  [[ $IRC_PORT != "$IRC_LINK_PORT" ]] || die "IRC_PORT and IRC_LINK_PORT must differ"
  port_open "$IRC_PORT" && die "port $IRC_HOST:$IRC_PORT is already in use (set IRC_PORT=... or IRC_PORT=auto)"
  port_open "$IRC_LINK_PORT" && die "port $IRC_HOST:$IRC_LINK_PORT is already in use (set IRC_LINK_PORT=... or auto)"

  local pass
  pass=$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')
  write_configs "$pass"
  printf 'IRC_HOST=%s\nIRC_PORT=%s\nIRC_LINK_PORT=%s\n' "$IRC_HOST" "$IRC_PORT" "$IRC_LINK_PORT" >"$DIR/network.env"

  # Who runs the daemons. inspircd refuses to start as root unless given --runasroot.
  local wrap=() ircd_args=(--config "$DIR/inspircd.conf" --nofork)
  if ((EUID == 0)); then
    if [[ -n ${IRC_RUN_AS:-} ]]; then
      id "$IRC_RUN_AS" >/dev/null 2>&1 || die "IRC_RUN_AS: no such user '$IRC_RUN_AS'"
      chown -R "$IRC_RUN_AS:$(id -gn "$IRC_RUN_AS")" "$DIR"
      wrap=(setpriv --reuid="$IRC_RUN_AS" --regid="$(id -g "$IRC_RUN_AS")" --init-groups)
    else
      ircd_args+=(--runasroot)
    fi
  fi
  if [[ $mode == foreground ]]; then
    # if this script is SIGKILLed, the daemons get SIGTERM from the kernel
    ((${#wrap[@]})) || wrap=(setpriv)
    wrap+=(--pdeathsig TERM)
  fi
  local launch=(${wrap[@]+"${wrap[@]}"})
  [[ $mode == detach ]] && launch=(setsid ${wrap[@]+"${wrap[@]}"})

  # Run the PATH binary through a private copy if an AppArmor profile confines /usr/sbin/inspircd
  # (Debian ships one that only allows /etc/inspircd and /var/run/inspircd).
  local ircd_bin=$INSPIRCD_BIN
  if grep -qs '^/usr/sbin/inspircd ' /sys/kernel/security/apparmor/profiles; then
    cp "$INSPIRCD_BIN" "$DIR/run/inspircd-bin"; ircd_bin=$DIR/run/inspircd-bin
  fi

  log_offset=$(stat -c %s "$DIR/logs/inspircd.log" 2>/dev/null || echo 0)
  out_offset=$(stat -c %s "$DIR/logs/inspircd.out" 2>/dev/null || echo 0)
  (cd "$DIR" && exec ${launch[@]+"${launch[@]}"} "$ircd_bin" "${ircd_args[@]}" </dev/null >>"$DIR/logs/inspircd.out" 2>&1) &
  ip=$!   # = the inspircd pid: the subshell execs (setsid/setpriv exec too, they do not fork here)
  echo "inspircd $ip" >"$DIR/run/launcher.pids"

  # (all listeners are bound together at start-up; probing only the client port keeps the link
  # port free of half-open "server" connections that inspircd would log as failed links)
  until port_open "$IRC_PORT" && ! bind_failures >/dev/null; do
    bind_failures >/dev/null && { stop_network >/dev/null 2>&1; return 2; }
    pid_alive "$ip" || { tail -n 30 "$DIR/logs/inspircd.out" >&2; die "inspircd exited during start-up (see $DIR/logs)"; }
    (($(now_ms) < deadline)) || { stop_network; die "inspircd did not open its ports within ${IRC_START_TIMEOUT}s (see $DIR/logs/inspircd.out; IRC_START_TIMEOUT sets the limit)"; }
    sleep 0.05
  done
}

# The "failed to bind" report of the inspircd started last, if there is one.
bind_failures() {
  local report
  report=$(tail -c +$((out_offset + 1)) "$DIR/logs/inspircd.out" 2>/dev/null |
    grep -a -A3 "failed to bind" | grep -a -E "^ +[0-9.:]+: " | tr -s ' \n' ' ') || true
  [[ -n $report ]] && printf '%s\n' "$report"
}

start_network() { # $1 = "detach" or "foreground"
  local mode=$1 t0 ip ap log_offset out_offset
  t0=$(now_ms)
  mkdir -p "$DIR"/{run,logs,data}
  DIR=$(cd "$DIR" && pwd -P)
  # killed while starting: take the daemons down with us
  trap 'trap - TERM INT HUP; stop_network; exit 143' TERM INT HUP

  if already_running; then
    load_env
    if network_ready; then
      log "already running in $DIR"
      register_accounts || die "could not register IRC_ACCOUNTS"
      print_ready 0
      return 0
    fi
    log "processes alive but network not ready; restarting"
    stop_network
  else
    # one daemon left over from a crashed run, or stale pid files
    stop_network 2>/dev/null
  fi

  ensure_packages

  local want_port=${IRC_PORT:-16667} want_link=${IRC_LINK_PORT:-17000}
  local deadline=$(($(now_ms) + IRC_START_TIMEOUT * 1000)) attempt rc
  # A port picked at random can be taken between the pick and inspircd's bind (another test's
  # network, an outgoing connection's local port): inspircd then runs without that listener. With
  # "auto" ports that is noticed in its output and the start tried again on others.
  for attempt in 1 2 3 4 5; do
    IRC_PORT=$want_port IRC_LINK_PORT=$want_link
    [[ $IRC_PORT == auto ]] && IRC_PORT=$(pick_port)
    [[ $IRC_LINK_PORT == auto ]] && IRC_LINK_PORT=$(pick_port)
    rc=0
    launch_ircd "$deadline" || rc=$?
    ((rc == 0)) && break
    if ((rc == 2)) && [[ $want_port == auto || $want_link == auto ]] && ((attempt < 5)); then
      log "a port was taken before inspircd could bind it; trying other ports"
      continue
    fi
    ((rc == 2)) && die "inspircd could not bind its ports: $(bind_failures)"
    exit "$rc"
  done

  (cd "$DIR" && exec ${launch[@]+"${launch[@]}"} "$ATHEME_BIN" -n -c "$DIR/atheme.conf" -D "$DIR/data" \
    -l "$DIR/logs/atheme.log" -p "$DIR/run/atheme.pid" </dev/null >>"$DIR/logs/atheme.out" 2>&1) &
  ap=$!   # atheme writes run/atheme.pid itself (and refuses to start if the pid in it is alive)
  echo "atheme $ap" >>"$DIR/run/launcher.pids"

  # Ready = inspircd has processed the services' whole burst (NickServ etc. exist) and advertises sasl.
  # (grep -c, not -q: with pipefail an early-exiting grep -q would make tail's SIGPIPE fail the test)
  until tail -c +$((log_offset + 1)) "$DIR/logs/inspircd.log" 2>/dev/null |
    grep -a -c "Received end of netburst from" >/dev/null && network_ready; do   # (name is wrapped in ^B)
    pid_alive "$ap" || { tail -n 30 "$DIR/logs/atheme.out" >&2; stop_network; die "atheme exited during start-up (see $DIR/logs)"; }
    pid_alive "$ip" || { tail -n 30 "$DIR/logs/inspircd.out" >&2; stop_network; die "inspircd died during start-up"; }
    (($(now_ms) < deadline)) || { stop_network; die "services did not link within ${IRC_START_TIMEOUT}s (see $DIR/logs)"; }
    sleep 0.05
  done

  register_accounts || { stop_network; die "could not register IRC_ACCOUNTS"; }

  local took=$(($(now_ms) - t0))
  log "network up in ${took} ms: $IRC_HOST:$IRC_PORT (link $IRC_LINK_PORT), dir $DIR"
  print_ready "$took"
  trap - TERM INT HUP

  if [[ $mode == foreground ]]; then
    trap 'trap - TERM INT HUP EXIT; stop_network; exit 0' TERM INT HUP
    trap 'stop_network' EXIT
    # wait until either daemon exits (or a signal arrives)
    local rc=0
    wait -n "$ip" "$ap" || rc=$?
    log "a daemon exited (rc=$rc); stopping"
    trap - EXIT
    stop_network
    exit 1
  fi
}

# ---------------------------------------------------------------------------------------------
cmd=start
case "${1:-}" in
  start | run | stop | status) cmd=$1; shift ;;
  -h | --help) sed -n '5,31p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
DIR=${1:-}

case $cmd in
  start | run)
    [[ -n $DIR ]] || DIR=$(mktemp -d "${TMPDIR:-/tmp}/irc-network.XXXXXX")
    if [[ $cmd == run ]]; then start_network foreground; else start_network detach; fi
    ;;
  stop)
    [[ -n $DIR ]] || die "usage: $PROG stop DIR"
    [[ -d $DIR ]] || die "no such directory: $DIR"
    DIR=$(cd "$DIR" && pwd -P)
    stop_network
    ;;
  status)
    [[ -n $DIR && -d $DIR ]] || die "usage: $PROG status DIR"
    DIR=$(cd "$DIR" && pwd -P)
    load_env
    if already_running && network_ready; then echo "UP $IRC_HOST:$IRC_PORT"; else echo DOWN; exit 1; fi
    ;;
esac
