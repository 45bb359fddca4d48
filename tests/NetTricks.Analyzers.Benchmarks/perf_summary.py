"""Summarises `perf script -F comm,tid,ip,sym` output of a NetTricks benchmark run (see perf-profile.sh)."""
import collections
import re
import sys


def method(frame):
    # "instance bool [NetTricks.Analyzers] NetTricks.Analyzers.Model.X::Y(args)[OptimizedTier1]" -> "[NetTricks.Analyzers] ...X::Y"
    match = re.search(r'\[([^\]]+)\] ([^\s(]+::[^\s(\[]+)', frame)
    return f'[{match.group(1)}] {match.group(2)}' if match else frame[:100]


def samples(path, since=0.0):
    """(thread, stack) per sample, innermost frame first; with `-F comm,tid,time,ip,sym`, only samples at or after `since`."""
    stack, thread, keep = None, None, True
    for line in open(path, errors='replace'):
        if not line.strip():
            continue
        if not line[0].isspace():
            if stack is not None and keep:
                yield thread, stack
            stamp = re.search(r'\s(\d+\.\d+):\s*$', line)
            keep = stamp is None or float(stamp.group(1)) >= since
            thread = (line[:stamp.start()] if stamp else line).rsplit(' ', 1)[0].strip()
            stack = []
            continue
        parts = line.strip().split(' ', 1)
        stack.append(method(parts[1]) if len(parts) > 1 else '?')
    if stack is not None and keep:
        yield thread, stack


def main():
    path, rows = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 40
    since = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
    ours = lambda frame: frame.startswith('[NetTricks.Analyzers]')
    everything = list(samples(path, since))
    if since:
        print(f'samples from monotonic {since:.3f} s on (after the warm-ups)')
    stacks = [stack for _, stack in everything if any(ours(f) for f in stack)]
    tiering = sum(1 for thread, _ in everything if thread.startswith('.NET Tiered'))
    print(f'{len(everything)} samples, {len(stacks)} in NetTricks.Analyzers, {tiering} on the tiered-compilation thread')
    innermost, leaf, inclusive = collections.Counter(), collections.Counter(), collections.Counter()
    for stack in stacks:
        leaf[stack[0]] += 1
        innermost[next(f for f in stack if ours(f))] += 1
        for frame in set(f for f in stack if ours(f)):
            inclusive[frame] += 1
    for title, counter in (('innermost NetTricks frame (own code + what it calls outside NetTricks)', innermost),
                           ('leaf frame', leaf), ('inclusive, NetTricks frames', inclusive)):
        print(f'\n== {title} ==')
        for frame, count in counter.most_common(rows):
            print(f'{100 * count / max(len(stacks), 1):5.1f}% {frame}')


if __name__ == '__main__':
    main()
