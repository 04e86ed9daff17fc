#!/usr/bin/env python3
"""Where a process's CPU samples go, from `perf script` output (bench/lib/profile.sh).

Each sample is given to one component: walking from the leaf towards the root, the first frame that belongs to a
component (so JSON written inside the rate limiter's middleware counts as JSON, and a system call as the kernel).
Telemetry samples are also split by their entry point: the outermost telemetry frame and its caller, which names the
instrument's call site. Usage: perf-shares.py perf-script.txt|- [top]"""
import collections
import re
import sys

COMPONENTS = [  # (name, pattern on a frame's method: "[Assembly] Namespace.Type::Method", without its arguments)
    ("telemetry", r"\[OpenTelemetry[^\]]*\]|System\.Diagnostics\.Metrics\.|HostingMetrics::|HttpMetricsTagsFeature|RateLimitingMetrics::|KestrelMetrics::|NexusTradeMetrics::"),
    ("kernel", r"\[kernel\.kallsyms\]"),
    ("JSON", r"System\.Text\.Json\."),
    ("cache", r"HybridCache|QuoteCache::|MemoryCache"),
    ("rate limiter", r"RateLimit"),
    ("routing", r"Microsoft\.AspNetCore\.Routing\."),
    ("Kestrel and the HTTP pipeline", r"Microsoft\.AspNetCore\.|System\.IO\.Pipelines\.|System\.Net\.Sockets\."),
    ("NexusTrade", r"\[NexusTrade\.Api\]"),
    ("runtime (libcoreclr, GC, JIT)", r"libcoreclr\.so|libclrjit\.so"),
    ("other .NET", r"\[System\.|\[Microsoft\."),
]
TELEMETRY = re.compile(COMPONENTS[0][1])


def method(frame):
    """'addr name (dso)' -> 'name' without the argument list; unknown frames keep their dso."""
    frame = frame.split(" ", 1)[1] if " " in frame else frame
    name, _, dso = frame.rpartition(" (")
    if name.startswith("[unknown]"):
        return "[unknown] " + dso.rstrip(")")
    name = re.sub(r"\+0x[0-9a-f]+$", "", name)
    name = name.split("(", 1)[0] if "::" in name else name
    return name + (" [kernel.kallsyms]" if "kernel.kallsyms" in dso else "") + (" " + dso.rstrip(")") if "libcoreclr" in dso or "libclrjit" in dso else "")


def samples(path):
    stack = []
    for line in (sys.stdin if path == "-" else open(path, errors="replace")):
        line = line.rstrip("\n")
        if not line.strip():
            if stack:
                yield stack
            stack = []
        elif line.startswith(("\t", " ")):
            stack.append(method(line.strip()))
    if stack:
        yield stack


def component(stack):
    for frame in stack:  # leaf first
        for name, pattern in COMPONENTS:
            if re.search(pattern, frame):
                return name
    return "other"


def short(frame):
    return re.sub(r"^.*\] ", "", frame)[:110]


total = 0
components, leaves, entries = collections.Counter(), collections.Counter(), collections.Counter()
for stack in samples(sys.argv[1]):
    total += 1
    owner = component(stack)
    components[owner] += 1
    leaves[stack[0]] += 1
    if owner == "telemetry":
        outer = max(i for i, f in enumerate(stack) if TELEMETRY.search(f))
        caller = stack[outer + 1] if outer + 1 < len(stack) else "-"
        entries[f"{short(stack[outer])} <- {short(caller)}"] += 1
top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
print(f"samples {total}")
for name, n in components.most_common():
    print(f"component {n / total * 100:6.2f} % {name}")
for entry, n in entries.most_common(top):
    print(f"telemetry {n / total * 100:6.2f} % {entry}")
for leaf, n in leaves.most_common(top):
    print(f"self {n / total * 100:6.2f} % {short(leaf)}")
