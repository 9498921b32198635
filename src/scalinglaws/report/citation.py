"""BibTeX generated from CITATION.cff, so the README's "How to cite" block has one source."""

from __future__ import annotations

import re
from pathlib import Path

import yaml


def _authors(people: list[dict]) -> str:
    names = []
    for p in people:
        if "family-names" in p:
            names.append(f"{p['family-names']}, {p.get('given-names', '')}".strip(", "))
        elif p.get("name") == "et al.":
            names.append("others")
        else:
            names.append("{" + p["name"] + "}")
    return " and ".join(names)


def _key(entry: dict) -> str:
    first = entry["authors"][0]
    who = first.get("family-names") or re.sub(r"[^A-Za-z]", "", first.get("name", "anon"))[:12]
    word = re.sub(r"[^a-z]", "", entry["title"].split()[0].lower())
    return f"{who.lower()}{entry.get('year', '')}{word}"


def _field_lines(fields: dict[str, str]) -> str:
    width = max(len(k) for k in fields)
    return ",\n".join(f"  {k:<{width}} = {{{v}}}" for k, v in fields.items())


def bibtex(cff_path: str | Path) -> str:
    """BibTeX for the software described in CITATION.cff followed by its references."""
    cff = yaml.safe_load(Path(cff_path).read_text())
    year = str(cff["date-released"])[:4]
    blocks = [
        "@software{scalinglaws_companion_"
        + year
        + ",\n"
        + _field_lines(
            {
                "title": cff["title"],
                "author": _authors(cff["authors"]),
                "year": year,
                "version": str(cff["version"]),
                "license": cff["license"],
            }
        )
        + "\n}"
    ]
    for ref in cff.get("references", []):
        ident = next((i["value"] for i in ref.get("identifiers", [])), "")
        fields = {
            "title": ref["title"],
            "author": _authors(ref["authors"]),
            "journal": ident,
            "year": str(ref["year"]),
        }
        if "url" in ref:
            fields["url"] = ref["url"]
        blocks.append(f"@article{{{_key(ref)},\n" + _field_lines(fields) + "\n}")
    return "\n".join(blocks) + "\n"
