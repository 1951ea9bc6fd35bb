#!/bin/sh
# Makes the extra crash references for dis: runs every command of commands.txt (NAME|COMMAND) in one crash 8.0.6
# session on the main fixture dump and writes what each command printed at the prompt to NAME.txt.
# Not through crash's own redirection (cmd > file): that drops the struct page header of `vtop` on a
# 2 MB page (fixtures README). Each command is preceded by a marker line (`!echo`) to split the output.
# Usage: ./make.sh [CRASH] [FIXTURES]   (defaults: /work/shared/tools/crash-8.0.6, ~/.cache/kdw-fixtures)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
CRASH=${1:-/work/shared/tools/crash-8.0.6}
FIX=${2:-$HOME/.cache/kdw-fixtures}
TMP=$(mktemp -d)
while IFS='|' read -r name cmd; do
	[ -n "$name" ] || continue
	echo "!echo '=== $name ==='"
	echo "$cmd"
done < "$HERE/commands.txt" > "$TMP/input"
echo "!echo '=== end ==='" >> "$TMP/input"
echo q >> "$TMP/input"
"$CRASH" -s "$FIX/vmlinux" "$FIX/dump.lzo" < "$TMP/input" > "$TMP/stdout" 2> "$HERE/session-stderr.txt" || true
awk -v dir="$HERE" '
	/^=== .* ===$/ { if (out) close(out); name = $2; out = (name == "end") ? "" : dir "/" name ".txt"; if (out) printf "" > out; next }
	out { print >> out }
' "$TMP/stdout"
rm -rf "$TMP"
