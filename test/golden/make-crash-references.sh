#!/bin/sh
# Makes extra crash references for the golden tests: runs every command of DIR/commands.txt (NAME|COMMAND)
# in one crash 8.0.6 session on the main fixture dump and writes what each command printed at the prompt to
# DIR/NAME.txt (and crash's stderr to DIR/session-stderr.txt). Used for dis-reference/ and extra-reference/.
# Not through crash's own redirection (cmd > file): that drops the struct page header of `vtop` on a
# 2 MB page (fixtures README). Each command is preceded by a marker line (`!echo`) to split the output.
# Usage: ./make-crash-references.sh DIR [CRASH] [FIXTURES]
#        (defaults: ../shared/tools/crash-8.0.6 beside the project, ~/.cache/kdw-fixtures)
set -eu
[ $# -ge 1 ] || { echo "usage: $0 DIR [CRASH] [FIXTURES]" >&2; exit 2; }
HERE=$(cd "$1" && pwd)
CRASH=${2:-$(cd "$(dirname "$0")/../../.." && pwd)/shared/tools/crash-8.0.6}
FIX=${3:-${KDW_FIXTURES:-$HOME/.cache/kdw-fixtures}}
TMP=$(mktemp -d)
while IFS='|' read -r name cmd; do
	[ -n "$name" ] || continue
	echo "!echo '=== $name ==='"
	echo "$cmd"
done < "$HERE/commands.txt" > "$TMP/input"
echo "!echo '=== end ==='" >> "$TMP/input"
echo q >> "$TMP/input"
"$CRASH" -s "$FIX/vmlinux" "$FIX/dump.lzo" < "$TMP/input" > "$TMP/stdout" 2> "$HERE/session-stderr.txt" || true
# A command whose output does not end in a newline (crash's `*` on a union) leaves the next marker at the
# end of its last line: that line's text goes to the command's file as it is, without a newline.
awk -v dir="$HERE" '
	match($0, /=== [^ ]+ ===$/) {
		if (out && RSTART > 1) printf "%s", substr($0, 1, RSTART - 1) >> out
		if (out) close(out)
		name = substr($0, RSTART + 4, RLENGTH - 8); out = (name == "end") ? "" : dir "/" name ".txt"; if (out) printf "" > out; next
	}
	out { print >> out }
' "$TMP/stdout"
rm -rf "$TMP"
