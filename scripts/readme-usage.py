#!/usr/bin/env python3
"""Refresh the outputs of the README's ```console blocks (and check the JSON excerpts).

Each ```console block starts with `$ sipscope ARGS`; everything after that line is the
command's stdout, run from the repository root with COLUMNS=100 and no colour, exactly as
tests/cli_readme.rs runs it. A ```json block right after a line
`<!-- excerpt: sipscope ARGS | .calls[N].key[M] -->` holds that part of the JSON.

    cargo build && scripts/readme-usage.py          # rewrite README.md in place
"""
import json, os, re, shlex, subprocess, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = os.path.join(root, "target", "debug", "sipscope")
env = dict(os.environ, COLUMNS="100")
env.pop("NO_COLOR", None)

def run(args):
    out = subprocess.run([binary] + args, cwd=root, env=env, capture_output=True, text=True)
    return out.stdout

def pick(doc, path):
    for part in re.findall(r"\.(\w+)|\[(\d+)\]", path):
        doc = doc[part[0]] if part[0] else doc[int(part[1])]
    return doc

text = open(os.path.join(root, "README.md")).read()

def console(m):
    cmd = m.group(1)
    return "```console\n$ sipscope %s\n%s```" % (cmd, run(shlex.split(cmd)))

text = re.sub(r"```console\n\$ sipscope ([^\n]*)\n.*?```", console, text, flags=re.S)

def excerpt(m):
    cmd, path = m.group(1), m.group(2)
    doc = json.loads(run(shlex.split(cmd)))
    return "<!-- excerpt: sipscope %s | %s -->\n```json\n%s\n```" % (
        cmd, path, json.dumps(pick(doc, path), indent=2))

text = re.sub(r"<!-- excerpt: sipscope (.*?) \| (\S+) -->\n```json\n.*?```", excerpt, text, flags=re.S)
open(os.path.join(root, "README.md"), "w").write(text)
