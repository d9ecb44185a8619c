#!/bin/sh
# Renders docs/hex-annotated.png: the annotated hex dumps of
# examples/flight_path.b and examples/db.dat, coloured, on a dark background.
#
# Needs: a built binmap (cargo build --release; or BINMAP=path/to/binmap),
# python3, and headless Chromium (apt-get install -y chromium fonts-dejavu-core).
# Run from the repository root: sh docs/make-screenshot.sh
set -eu
BINMAP=${BINMAP:-target/release/binmap}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for f in flight_path:flight_path.b db:db.dat; do
    name=${f%%:*}
    file=${f#*:}
    printf '$ binmap hex examples/%s --layout examples/%s.bml\n' "$file" "$name" >"$work/$name.ansi"
    "$BINMAP" hex "examples/$file" --layout "examples/$name.bml" --color always >>"$work/$name.ansi"
done

# ANSI SGR (256-colour foreground and reset) to HTML.
python3 - "$work/flight_path.ansi" "$work/db.ansi" >"$work/page.html" <<'PY'
import html, re, sys

def xterm(n):
    base = ["000000", "cd0000", "00cd00", "cdcd00", "0000ee", "cd00cd", "00cdcd", "e5e5e5",
            "7f7f7f", "ff0000", "00ff00", "ffff00", "5c5cff", "ff00ff", "00ffff", "ffffff"]
    if n < 16:
        return "#" + base[n]
    if n < 232:
        n -= 16
        lv = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (lv[n // 36], lv[n // 6 % 6], lv[n % 6])
    g = 8 + 10 * (n - 232)
    return "#%02x%02x%02x" % (g, g, g)

def convert(text):
    out, open_span = [], False
    for part in re.split(r"(\x1b\[[0-9;]*m)", text):
        m = re.fullmatch(r"\x1b\[([0-9;]*)m", part)
        if not m:
            out.append(html.escape(part))
            continue
        if open_span:
            out.append("</span>")
            open_span = False
        codes = m.group(1).split(";")
        if codes[:2] == ["38", "5"]:
            out.append('<span style="color:%s">' % xterm(int(codes[2])))
            open_span = True
    if open_span:
        out.append("</span>")
    return "".join(out)

blocks = []
for path in sys.argv[1:]:
    text = open(path, encoding="utf-8").read()
    prompt, _, dump = text.partition("\n")
    blocks.append('<div class="prompt">%s</div>%s' % (html.escape(prompt), convert(dump)))
print("""<!doctype html><meta charset="utf-8"><style>
body { background: #1d1f21; color: #c5c8c6; margin: 0; padding: 18px 22px;
       font: 13px/1.45 "DejaVu Sans Mono", monospace; }
pre { margin: 0 0 16px 0; font: inherit; white-space: pre; }
.prompt { color: #8abeb7; }
</style>""")
for b in blocks:
    print("<pre>%s</pre>" % b)
PY

chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile" --hide-scrollbars \
    --screenshot="$PWD/docs/hex-annotated.png" --window-size=1100,700 "file://$work/page.html"
