"""Copy every committed benchmark output into its README quote.

The README quotes `bench/results/<name>.txt` between `<!-- bench:<name> -->` and
`<!-- /bench:<name> -->` as a text block; this rewrites each such block from its file
(tests/test_readme.py checks that they agree).
Usage: python bench/quote.py [--check]
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"<!-- bench:(\w+) -->\n(?:```text\n.*?\n```\n)?<!-- /bench:\1 -->", re.S)


def quoted(name: str) -> str:
    text = (ROOT / "bench" / "results" / f"{name}.txt").read_text(encoding="utf-8").rstrip("\n")
    return f"<!-- bench:{name} -->\n```text\n{text}\n```\n<!-- /bench:{name} -->"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only report blocks that differ from their files")
    args = parser.parse_args(argv)
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    new = BLOCK.sub(lambda m: quoted(m.group(1)), text)
    if args.check:
        stale = [m.group(1) for m in BLOCK.finditer(text) if m.group(0) != quoted(m.group(1))]
        print("stale: " + ", ".join(stale) if stale else "every benchmark quote equals its file")
        return 1 if stale else 0
    readme.write_text(new, encoding="utf-8")
    print(f"{len(BLOCK.findall(new))} benchmark quotes written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
