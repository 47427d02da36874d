#!/usr/bin/env python3
"""Writes the app's AppStream metainfo: packaging/metainfo.xml with its releases taken from
CHANGELOG.md, so the release notes software centres show are the changelog's own words.

    packaging/metainfo.py CHANGELOG.md packaging/metainfo.xml OUT.metainfo.xml

A release is a `## [VERSION] - YYYY-MM-DD` heading; its `### Kind` headings become
paragraphs and its `- item` lines list items. `## [Unreleased]` is left out. The version
of the newest release must be the app's (the workspace's in Cargo.toml): a package whose
notes describe another version is refused.
"""

import re
import sys
import tomllib
from pathlib import Path
from xml.sax.saxutils import escape

HEADING = re.compile(r"^## \[(?P<version>[^\]]+)\](?: - (?P<date>\d{4}-\d{2}-\d{2}))?\s*$")


def releases(changelog: str) -> list[dict]:
    found, current = [], None
    for line in changelog.splitlines():
        heading = HEADING.match(line)
        if heading:
            current = None
            if heading["version"].lower() == "unreleased":
                continue
            if not heading["date"]:
                sys.exit(f"CHANGELOG.md: release {heading['version']} has no date (## [X.Y.Z] - YYYY-MM-DD)")
            current = {"version": heading["version"], "date": heading["date"], "parts": []}
            found.append(current)
        elif current is None:
            continue
        elif line.startswith("### "):
            current["parts"].append(("p", line[4:].strip()))
        elif line.startswith("- "):
            current["parts"].append(("li", line[2:].strip()))
        elif line.startswith("  ") and current["parts"] and current["parts"][-1][0] == "li":
            kind, text = current["parts"].pop()
            current["parts"].append((kind, f"{text} {line.strip()}"))
    return found


def inline(text: str) -> str:
    """Markdown's code and emphasis marks are dropped: AppStream descriptions are plain."""
    return escape(re.sub(r"[`*_]", "", text))


def release_xml(release: dict) -> str:
    lines = [f'    <release version="{escape(release["version"])}" date="{release["date"]}">', "      <description>"]
    in_list = False
    for kind, text in release["parts"]:
        if kind == "li" and not in_list:
            lines.append("        <ul>")
            in_list = True
        if kind != "li" and in_list:
            lines.append("        </ul>")
            in_list = False
        indent = "          " if kind == "li" else "        "
        lines.append(f"{indent}<{kind}>{inline(text)}</{kind}>")
    if in_list:
        lines.append("        </ul>")
    lines += ["      </description>", "    </release>"]
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    changelog, template, out = (Path(a) for a in sys.argv[1:])
    found = releases(changelog.read_text(encoding="utf-8"))
    if not found:
        sys.exit(f"{changelog}: no release (## [X.Y.Z] - YYYY-MM-DD)")
    cargo = tomllib.loads((changelog.parent / "Cargo.toml").read_text(encoding="utf-8"))
    version = cargo["workspace"]["package"]["version"]
    if found[0]["version"] != version:
        sys.exit(f"{changelog}: the newest release is {found[0]['version']}, the app is {version}")
    block = "<releases>\n" + "\n".join(release_xml(r) for r in found) + "\n  </releases>"
    text = template.read_text(encoding="utf-8")
    if "<!-- releases -->" not in text:
        sys.exit(f"{template}: no <!-- releases --> marker")
    out.write_text(text.replace("<!-- releases -->", block), encoding="utf-8")


if __name__ == "__main__":
    main()
