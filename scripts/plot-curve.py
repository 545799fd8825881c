#!/usr/bin/env python3
"""Draw the benchmark's figures as a chart (issue 19): readers compare curves faster than tables.

    scripts/plot-curve.py TSV SVG

TSV is what `scripts/bench.sh --tsv FILE` appends, one line per tool and corpus size
(scripts/bench-curve.sh collects them). SVG is one self-contained file with two panels side
by side: build wall time and peak memory (RSS) against the number of articles, a line with
points per tool, the largest size's figure beside its point, and a footnote with the machine
(CPUs, the load averages seen), the sitegen commit and the points that could not be drawn
(a build killed for memory, a tool not run: skipped, never drawn as zero). Several lines
for one tool and size are drawn as their median.

The x axis is logarithmic when the sizes span more than a factor of 10, the y axes linear
from zero. The same TSV always gives the same bytes (no dates, fixed number formats).
Python 3 standard library only, so that anyone can redraw the chart.
"""

import math
import statistics
import sys
from xml.sax.saxutils import escape, quoteattr

REQUIRED = ("articles", "tool", "wall_s", "peak_rss_mb")
MISSING = ("", "-", "NA", "nan")

# Okabe-Ito colours (distinguishable with colour blindness), and a marker shape each.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
MARKERS = ("circle", "square", "diamond", "triangle")
SHAPES = {
    "news": "news-portal corpus",
    "translated": "translated-articles corpus (10-30 KB articles)",
}
FONT = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif"

WIDTH = 960
PANEL_W = 370  # plot area of a panel
PANEL_TOP = 128
PANEL_H = 260
PANEL_LEFTS = (80, 560)
CHAR_W = 6.3  # average advance of an 11 px sans-serif character, for layout
FOOT_CHARS = 150


class Fail(Exception):
    pass


def parse_number(text, what, lineno):
    try:
        value = float(text)
    except ValueError:
        raise Fail(f"line {lineno}: {what} is {text!r}, not a number") from None
    if not math.isfinite(value) or value < 0:
        raise Fail(f"line {lineno}: {what} is {text!r}, not a non-negative number")
    return value


def read_rows(path):
    """The TSV's lines as dicts keyed by its header's names."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise Fail(f"cannot read {path}: {e.strerror}") from None
    if not lines:
        raise Fail(f"{path} is empty")
    header = lines[0].split("\t")
    absent = [c for c in REQUIRED if c not in header]
    if absent:
        raise Fail(f"{path}: the header has no {', '.join(absent)} (is it bench.sh --tsv's?)")
    rows = []
    for lineno, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != len(header):
            raise Fail(f"line {lineno}: {len(fields)} fields where the header has {len(header)}")
        row = dict(zip(header, fields))
        row["lineno"] = lineno
        rows.append(row)
    if not rows:
        raise Fail(f"{path} has a header but no figures")
    return rows


def tool_name(tool):
    return "Hugo" + tool[4:] if tool.startswith("hugo") else tool


def tool_order(tool):
    base = tool.split(" (")[0]
    rank = 0 if base.startswith("sitegen") else 1 if base.startswith("hugo") else 2
    return (rank, tool)


def fmt_int(v):
    return f"{round(v):,}"


def fmt_num(v, decimals):
    return f"{v:,.{decimals}f}"


def fmt_value(v, unit):
    if unit == "s":
        return f"{v:,.2f} s" if v < 10 else f"{v:,.1f} s" if v < 100 else f"{v:,.0f} s"
    return f"{fmt_int(v)} MB"


def coord(v):
    return f"{v:.1f}"


def collect(rows):
    """Series per tool: {tool: {metric: {articles: median}}}, and what could not be drawn."""
    shapes = sorted({r.get("shape", "") for r in rows})
    series = {}
    skipped = []
    runs = {}
    for r in rows:
        n = parse_number(r["articles"], "articles", r["lineno"])
        if n < 1 or n != int(n):
            raise Fail(f"line {r['lineno']}: articles is {r['articles']!r}, not a count")
        n = int(n)
        tool = r["tool"].strip()
        if not tool:
            raise Fail(f"line {r['lineno']}: no tool")
        if len(shapes) > 1:
            tool = f"{tool} ({r.get('shape', '')})"
        per = series.setdefault(tool, {"wall_s": {}, "peak_rss_mb": {}})
        for metric in ("wall_s", "peak_rss_mb"):
            text = r[metric].strip()
            if text in MISSING:
                continue
            per[metric].setdefault(n, []).append(parse_number(text, metric, r["lineno"]))
        if r["wall_s"].strip() in MISSING or r["peak_rss_mb"].strip() in MISSING:
            skipped.append((tool, n, r.get("note", "").strip()))
        runs[(tool, n)] = runs.get((tool, n), 0) + 1
    for per in series.values():
        for metric, points in per.items():
            per[metric] = {n: statistics.median(vs) for n, vs in sorted(points.items())}
    # A size skipped once but measured in another line is drawn: report it only if absent.
    skipped = sorted(
        {
            (tool, n, note)
            for tool, n, note in skipped
            if n not in series[tool]["wall_s"] or n not in series[tool]["peak_rss_mb"]
        },
        key=lambda s: (tool_order(s[0]), s[1], s[2]),
    )
    if not any(per[m] for per in series.values() for m in per):
        raise Fail("no figures to draw: every line has empty wall_s and peak_rss_mb")
    return shapes, series, skipped, max(runs.values())


def nice_step(span, target):
    raw = span / target
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * mag >= raw * (1 - 1e-9):
            return m * mag
    return 10 * mag


def decimals_of(step):
    """Digits after the point that show every multiple of step exactly (0.25 -> 2)."""
    for d in range(0, 7):
        if abs(round(step * 10**d) - step * 10**d) < 1e-6:
            return d
    return 6


def linear_ticks(top, target=5):
    """Ticks from 0 past top, and the axis's end (the last tick)."""
    if top <= 0:
        top = 1
    step = nice_step(top, target)
    count = math.ceil(top / step - 1e-9)
    ticks = [i * step for i in range(count + 1)]
    return ticks, ticks[-1], decimals_of(step)


class XAxis:
    """Articles: logarithmic when the sizes span more than a factor of 10, else linear from 0."""

    def __init__(self, sizes, left):
        self.left = left
        lo, hi = min(sizes), max(sizes)
        self.log = hi > 10 * lo
        if self.log:
            pad = 0.04 * (math.log10(hi) - math.log10(lo))
            self.lo, self.hi = math.log10(lo) - pad, math.log10(hi) + pad
            self.ticks = []
            for k in range(math.floor(self.lo), math.ceil(self.hi) + 1):
                for m in (1, 2, 5):
                    v = m * 10**k
                    if self.lo <= math.log10(v) <= self.hi:
                        self.ticks.append((v, m))
            self.labelled = self._labels()
        else:
            # Ends just past the largest size rather than at a tick: no empty stretch.
            ticks, _, _ = linear_ticks(hi, 5)
            self.lo, self.hi = 0.0, hi * 1.05
            self.ticks = [(v, 1) for v in ticks if v <= self.hi]
            self.labelled = {v for v, _ in self.ticks}

    def _labels(self):
        """All of 1, 2, 5 x 10^k if their labels fit side by side, else the powers of 10."""
        every = [v for v, _ in self.ticks]
        for _ in range(2):
            xs = [(self.x(v), len(fmt_int(v)) * CHAR_W) for v in every]
            if all(b[0] - a[0] >= (a[1] + b[1]) / 2 + 8 for a, b in zip(xs, xs[1:])):
                return set(every)
            every = [v for v, m in self.ticks if m == 1]
        return set(every)

    def x(self, n):
        t = math.log10(n) if self.log else n
        return self.left + (t - self.lo) / (self.hi - self.lo) * PANEL_W


def marker(shape, x, y, colour):
    if shape == "circle":
        return f'<circle cx="{coord(x)}" cy="{coord(y)}" r="4" fill="{colour}"/>'
    if shape == "square":
        return (
            f'<rect x="{coord(x - 3.6)}" y="{coord(y - 3.6)}" width="7.2" height="7.2" '
            f'fill="{colour}"/>'
        )
    if shape == "diamond":
        pts = [(x, y - 5), (x + 5, y), (x, y + 5), (x - 5, y)]
    else:
        pts = [(x, y - 5), (x + 4.5, y + 3.5), (x - 4.5, y + 3.5)]
    return (
        f'<polygon points="{" ".join(f"{coord(a)},{coord(b)}" for a, b in pts)}" '
        f'fill="{colour}"/>'
    )


def spread(ys, gap, lo, hi):
    """Label positions near ys, at least gap apart, kept within [lo, hi] (order kept)."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    out = list(ys)
    for j in range(1, len(order)):
        a, b = order[j - 1], order[j]
        out[b] = max(out[b], out[a] + gap)
    overflow = out[order[-1]] - hi if order else 0
    if overflow > 0:
        for i in order:
            out[i] -= overflow
    return [max(lo, y) for y in out]


def panel(out, left, metric, title, unit, axis_label, series, tools, style, sizes, x_label):
    xaxis = XAxis(sizes, left)  # both panels share the sizes, so their x axes match
    top_value = max((v for t in tools for v in series[t][metric].values()), default=1)
    yticks, ytop, ydec = linear_ticks(top_value * 1.06, 5)
    bottom = PANEL_TOP + PANEL_H

    def y(v):
        return bottom - v / ytop * PANEL_H

    out.append(f'<g class="panel" data-metric="{metric}">')
    out.append(
        f'<text x="{left}" y="{PANEL_TOP - 14}" font-size="14" font-weight="600">'
        f"{escape(title)}</text>"
    )
    # Grid and ticks.
    for v in yticks:
        yy = coord(y(v))
        out.append(
            f'<line x1="{left}" y1="{yy}" x2="{left + PANEL_W}" y2="{yy}" stroke="#e3e3e3"/>'
        )
        out.append(
            f'<text x="{left - 8}" y="{yy}" dy="0.32em" text-anchor="end" font-size="11">'
            f"{fmt_num(v, ydec)}</text>"
        )
    for v, m in xaxis.ticks:
        xx = coord(xaxis.x(v))
        grid = "#e3e3e3" if m == 1 or not xaxis.log else "#f0f0f0"
        out.append(f'<line x1="{xx}" y1="{PANEL_TOP}" x2="{xx}" y2="{bottom}" stroke="{grid}"/>')
        out.append(f'<line x1="{xx}" y1="{bottom}" x2="{xx}" y2="{bottom + 5}" stroke="#333"/>')
        if v in xaxis.labelled:
            out.append(
                f'<text x="{xx}" y="{bottom + 18}" text-anchor="middle" font-size="11">'
                f"{fmt_int(v)}</text>"
            )
    out.append(
        f'<path d="M{left},{PANEL_TOP}V{bottom}H{left + PANEL_W}" fill="none" stroke="#333"/>'
    )
    out.append(
        f'<text x="{left + PANEL_W / 2:.1f}" y="{bottom + 38}" text-anchor="middle" '
        f'font-size="12">{escape(x_label(xaxis.log))}</text>'
    )
    cy = PANEL_TOP + PANEL_H / 2
    out.append(
        f'<text transform="translate({left - 52},{cy:.1f}) rotate(-90)" text-anchor="middle" '
        f'font-size="12">{escape(axis_label)}</text>'
    )
    # Lines and points; the largest size's value beside its point.
    labels = []
    for tool in tools:
        points = series[tool][metric]
        colour, shape = style[tool]
        xy = [(xaxis.x(n), y(v)) for n, v in points.items()]
        out.append(
            f'<polyline class="series" data-tool={quoteattr(tool)} fill="none" '
            f'stroke="{colour}" stroke-width="2" stroke-linejoin="round" '
            f'points="{" ".join(f"{coord(a)},{coord(b)}" for a, b in xy)}"/>'
        )
        out.append(f"<g class=\"points\" data-tool={quoteattr(tool)}>")
        for a, b in xy:
            out.append(marker(shape, a, b, colour))
        out.append("</g>")
        if points:
            n, v = list(points.items())[-1]
            text = fmt_value(v, unit)
            # Beside sitegen's figure at the same size, the ratio the curves show.
            base = series[tools[0]][metric].get(n)
            if tool != tools[0] and tool_order(tools[0])[0] == 0 and base:
                text += f" ({v / base:.1f}x sitegen)"
            labels.append((xaxis.x(n), y(v), text, colour))
    ys = spread([b - 10 for _, b, _, _ in labels], 14, PANEL_TOP + 10, bottom - 4)
    for (a, _, text, colour), ly in zip(labels, ys):
        # Left of the point, or right of it when that would cross the y axis; a white halo
        # keeps it readable where it crosses a line.
        if a - 7 - len(text) * (CHAR_W + 0.4) >= left + 4:
            x, anchor = a - 7, "end"
        else:
            x, anchor = a + 7, "start"
        out.append(
            f'<text x="{coord(x)}" y="{coord(ly)}" text-anchor="{anchor}" font-size="11" '
            f'font-weight="600" fill="{colour}" stroke="#fff" stroke-width="3" '
            f'stroke-linejoin="round" paint-order="stroke">{escape(text)}</text>'
        )
    out.append("</g>")


def wrap(text, width):
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return lines


def span(values, fmt):
    values = sorted(set(values))
    if not values:
        return None
    lo, hi = fmt(values[0]), fmt(values[-1])
    return lo if lo == hi else f"{lo}–{hi}"


def footnote(rows, skipped, most_runs, log_x):
    def column(name):
        return [r[name].strip() for r in rows if r.get(name, "").strip() not in MISSING]

    def loads(name):
        vals = []
        for text in column(name):
            try:
                vals.append(float(text))
            except ValueError:
                pass
        return span(vals, lambda v: f"{v:.2f}")

    parts = []
    cpus = sorted(set(column("cpus")), key=lambda c: (len(c), c))
    load = [loads(name) for name in ("load1", "load5", "load15")]
    machine = f"Machine: {' or '.join(cpus)} CPUs" if cpus else "Machine: CPUs not recorded"
    if all(load):
        machine += f", load averages before the builds (1, 5, 15 min) {', '.join(load)}"
    parts.append(machine + ".")
    commits = sorted(set(column("sitegen")))
    if commits:
        parts.append(f"sitegen {', '.join(commits)}.")
    hugo = sorted({r["version"].strip() for r in rows if r["tool"].startswith("hugo")
                   and r.get("version", "").strip() not in MISSING})
    if hugo:
        parts.append(f"Hugo {', '.join(hugo)}.")
    seeds = sorted(set(column("seed")), key=lambda c: (len(c), c))
    if seeds:
        parts.append(f"Corpus seed {', '.join(seeds)}.")
    if most_runs > 1:
        parts.append(f"Each point is the median of up to {most_runs} builds.")
    else:
        parts.append("Each point is one build, timed by GNU time (scripts/bench-curve.sh).")
    if log_x:
        parts.append("Articles on a logarithmic scale.")
    lines = wrap(" ".join(parts), FOOT_CHARS)
    if skipped:
        gone = "; ".join(
            f"{tool_name(tool)} at {fmt_int(n)} articles" + (f" ({note})" if note else "")
            for tool, n, note in skipped
        )
        lines += wrap(f"Not drawn: {gone}.", FOOT_CHARS)
    return lines


def render(rows):
    shapes, series, skipped, most_runs = collect(rows)
    tools = sorted(series, key=tool_order)
    style = {
        t: (COLOURS[i % len(COLOURS)], MARKERS[i % len(MARKERS)]) for i, t in enumerate(tools)
    }
    sizes = sorted({n for t in tools for m in series[t] for n in series[t][m]})
    log_x = XAxis(sizes, 0).log
    foot = footnote(rows, skipped, most_runs, log_x)
    height = PANEL_TOP + PANEL_H + 62 + 16 * len(foot)

    names = [tool_name(t) for t in tools]
    title = "Build time and peak memory against the number of articles"
    only = shapes[0] if len(shapes) == 1 else ""
    corpus = SHAPES.get(only, f"{only} corpus" if only else "generated corpora")
    subtitle = f"Cold builds of the {corpus}: {' beside '.join(names)}"

    desc = []
    for t in tools:
        for metric, unit in (("wall_s", "s"), ("peak_rss_mb", "MB")):
            pts = ", ".join(
                f"{fmt_int(n)}: {fmt_value(v, unit)}" for n, v in series[t][metric].items()
            )
            desc.append(f"{tool_name(t)} {'wall time' if unit == 's' else 'peak memory'}: {pts}.")

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="chart-title chart-desc" '
        f'font-family="{FONT}" fill="#222">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(" ".join(desc))}</desc>',
        # GitHub shows SVGs on a dark page in dark mode: the chart brings its own background.
        f'<rect width="{WIDTH}" height="{height}" fill="#fff"/>',
        f'<text x="{WIDTH / 2:.0f}" y="30" text-anchor="middle" font-size="18" '
        f'font-weight="600">{escape(title)}</text>',
        f'<text x="{WIDTH / 2:.0f}" y="52" text-anchor="middle" font-size="13" fill="#555">'
        f"{escape(subtitle)}</text>",
    ]
    # Legend, centred under the subtitle.
    widths = [34 + len(n) * 7.2 + 22 for n in names]
    x = (WIDTH - sum(widths)) / 2
    out.append('<g class="legend">')
    for t, name, w in zip(tools, names, widths):
        colour, shape = style[t]
        out.append(
            f'<line x1="{coord(x)}" y1="78" x2="{coord(x + 26)}" y2="78" stroke="{colour}" '
            f'stroke-width="2"/>'
        )
        out.append(marker(shape, x + 13, 78, colour))
        out.append(
            f'<text x="{coord(x + 34)}" y="78" dy="0.32em" font-size="13">{escape(name)}</text>'
        )
        x += w
    out.append("</g>")

    def x_label(log):
        return "articles (logarithmic scale)" if log else "articles"

    panel(out, PANEL_LEFTS[0], "wall_s", "Build time (wall clock)", "s", "seconds",
          series, tools, style, sizes, x_label)
    panel(out, PANEL_LEFTS[1], "peak_rss_mb", "Peak memory (resident set)", "MB",
          "megabytes", series, tools, style, sizes, x_label)
    y = PANEL_TOP + PANEL_H + 70
    for line in foot:
        out.append(f'<text x="20" y="{y}" font-size="11" fill="#555">{escape(line)}</text>')
        y += 16
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv):
    if len(argv) != 3 or argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        svg = render(read_rows(argv[1]))
    except Fail as e:
        print(f"plot-curve.py: {e}", file=sys.stderr)
        return 1
    try:
        with open(argv[2], "w", encoding="utf-8", newline="\n") as f:
            f.write(svg)
    except OSError as e:
        print(f"plot-curve.py: cannot write {argv[2]}: {e.strerror}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
