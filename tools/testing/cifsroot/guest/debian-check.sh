#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of the Debian boot test, run by cifsroot-check.service once
# multi-user.target is reached. It prints "cifsroot-check <key>: <value>"
# lines on the console for the harness to judge, then powers off.
# /etc/cifsroot/phase says which boot this is: 1 adds a user, installs a
# package from the harness's repository and appends to a log from two
# processes; 2 looks for all of that after the poweroff.
set -u
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
LC_ALL=C.UTF-8
DEBIAN_FRONTEND=noninteractive
export LC_ALL DEBIAN_FRONTEND

phase=$(cat /etc/cifsroot/phase)
token=$(cat /etc/cifsroot/token)
user=cifsuser
applog=/var/log/cifsroot-append.log
# lines of the appenders: writer, number, then this, 56 bytes in all
pad=0123456789abcdef0123456789abcdef0123456789abcdef
tmp=/run/cifsroot-check
mkdir -p $tmp

say() {
	printf 'cifsroot-check %s: %s\n' "$1" "$2"
}

# a command's output on one line
oneline() {
	tr '\n' ' ' | sed 's/ *$//'
}

# "<status> <last lines of the output>" of a command, on one line
status_of() {
	"$@" >$tmp/out 2>&1
	echo "$? $(tail -n 3 $tmp/out | oneline)"
}

# Two processes append 1000 lines each, every line with its own >>.
appenders() {
	rm -f $applog
	for w in a b; do
		# shellcheck disable=SC2016 # expanded by the inner shell
		timeout 300 sh -c '
			i=1
			while [ $i -le 1000 ]; do
				printf "%s %04d %s\n" "$1" $i "$2" >>"$3"
				i=$((i + 1))
			done' sh $w $pad $applog &
	done
	wait
	say appendlines "$(wc -l <$applog)"
	say appendgood "$(grep -cxE "[ab] [0-9]{4} $pad" $applog)"
}

phase1() {
	echo "journal-mark $token" | systemd-cat -t cifsroot-check
	say useradd "$(status_of useradd -m -s /bin/bash $user)"
	say su "$(status_of su - $user -c 'id -un >made && mkdir dir')"
	say apt-update "$(status_of timeout 300 apt-get update -q)"
	say apt-install "$(status_of timeout 300 apt-get install -y -q \
		cifsroot-hello)"
	appenders
}

echo
say begin "$phase"
say token "$token"
say state "$(timeout 400 systemctl is-system-running --wait)"
say failed "$(systemctl list-units --state=failed --plain --no-legend \
	--full | awk '{print $1}' | oneline)"
say pid1 "$(readlink /proc/1/exe)"
say root "$(grep ' / ' /proc/mounts)"
say analyze "$(systemd-analyze time 2>&1 | oneline)"
say machine-id "$(cat /etc/machine-id)"

[ "$phase" = 1 ] && phase1

home=$(getent passwd $user | cut -d: -f6)
say user "$(id -u $user):$(id -g $user) $home"
say owner "$(stat -c %u:%g "$home" "$home/made" "$home/dir" | oneline)"
say made "$(cat "$home/made")"
say package "$(dpkg-query -W -f='${Status} ${Version}' cifsroot-hello 2>&1)"
say hello "$(cifsroot-hello 2>&1)"
say audit "$(status_of dpkg --audit)"
say apt-check "$(status_of apt-get check -q)"
say appended "$(wc -l <$applog)"
say boots "$(journalctl --list-boots --no-pager | grep -cE '[0-9a-f]{32}')"
say journal-mark "$(journalctl -t cifsroot-check -o cat --no-pager |
	grep -c "journal-mark $token")"
say journal-files "$(cd "/var/log/journal/$(cat /etc/machine-id)" && echo *)"
say end "$phase"
sync
systemctl poweroff --no-block
