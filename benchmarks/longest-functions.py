#!/usr/bin/env python3
"""The longest Rust functions under the given folders: a function runs from its `fn` line to the
first line after it that closes a brace at the same indentation. Tests are left out."""
import os, re, sys

FN = re.compile(r'^(\s*)(pub(\([a-z]+\))? )?(async )?fn ([a-z_0-9]+)')
found = []
for root in sys.argv[2:]:
    for folder, _, files in os.walk(root):
        if '/target' in folder or 'node_modules' in folder:
            continue
        for name in files:
            if not name.endswith('.rs'):
                continue
            path = os.path.join(folder, name)
            lines = open(path, encoding='utf-8').read().split('\n')
            in_tests = False
            for i, line in enumerate(lines):
                if line.startswith('mod tests') or line.startswith('#[cfg(test)]'):
                    in_tests = True
                m = FN.match(line)
                if not m or in_tests or line.rstrip().endswith(';'):
                    continue
                indent = m.group(1)
                for j in range(i + 1, len(lines)):
                    if lines[j] == indent + '}':
                        found.append((j - i + 1, f'{path}:{i + 1}', m.group(5)))
                        break
found.sort(reverse=True)
for length, where, name in found[: int(sys.argv[1])]:
    print(f'{length:5} {name} ({where})')
