#!/usr/bin/env python3
"""Writes the starter's additional-spring-configuration-metadata.json from the javadoc and defaults of
AbuseGuardSettings (api module), whose properties the configuration processor sees only as compiled
classes, without descriptions. Run after changing AbuseGuardSettings; SpringConfigurationMetadataTest
fails while a property lacks a description."""
import json
import re
from pathlib import Path

root = Path(__file__).resolve().parent.parent
src = (root / "abuse-guard-api/src/main/java/io/github/abuseguard/config/AbuseGuardSettings.java").read_text()
target = root / "abuse-guard-spring-starter/src/main/resources/META-INF/additional-spring-configuration-metadata.json"
prefixes = {
    "AbuseGuardSettings": "abuse-guard", "Client": "abuse-guard.client", "Body": "abuse-guard.body",
    "Store": "abuse-guard.store", "Responses": "abuse-guard.responses", "Routes": "abuse-guard.routes",
    "RateLimit": "abuse-guard.rate-limit", "Redis": "abuse-guard.store.redis", "Origin": "abuse-guard.origin",
    "ClientSignals": "abuse-guard.client-signals", "IpLists": "abuse-guard.ip-lists", "Tarpit": "abuse-guard.tarpit",
    "Email": "abuse-guard.email", "Sequence": "abuse-guard.sequence", "Logging": "abuse-guard.logging",
    "Failure": "abuse-guard.failure", "Volume": "abuse-guard.volume",
}


def kebab(name):
    return re.sub(r"([A-Z])", lambda m: "-" + m.group(1).lower(), name)


def default_of(text):
    text = text.strip()
    name = re.fullmatch(r"(?:\w+\.)?([A-Z][A-Z0-9_]+)", text)
    if name:  # a named constant, here or in another class of the api module
        for source in [src] + [f.read_text() for f in (root / "abuse-guard-api/src/main/java").rglob("*.java")]:
            constant = re.search(r"static final [\w<>]+ " + name.group(1) + r" =\s*([^;]+);", source)
            if constant:
                text = constant.group(1).strip()
                break
    if text in ("true", "false"):
        return text == "true"
    if re.fullmatch(r"-?[\d_]+", text):
        return int(text.replace("_", ""))
    if re.fullmatch(r"-?\d+\.\d+", text):
        return float(text)
    if text.startswith('"'):
        return text.strip('"') or None
    for factory, unit in (("Duration.ofMillis(", "ms"), ("Duration.ofSeconds(", "s"), ("Duration.ofMinutes(", "m")):
        if text.startswith(factory):
            return text[len(factory):-1] + unit
    if "." in text and text.split(".")[-1].startswith("DEFAULT_"):
        return None  # a named constant of a guard package; its javadoc states the value
    if "." in text and text.split(".")[-1].isupper():
        return text.split(".")[-1].lower().replace("_", "-")
    if text.startswith("new ArrayList<>(List.of("):
        return [x.strip().strip('"') for x in text[len("new ArrayList<>(List.of("):-2].split(",")]
    return None


properties = []
parts = re.split(r"(?:public )?(?:static )?class (\w+)", src)
for i in range(1, len(parts), 2):
    if parts[i] not in prefixes:
        continue
    for m in re.finditer(r"/\*\*\s*((?:(?!\*/).)*?)\s*\*/\s*private ([\w<>, .]+) (\w+)(?: = ([^;]+))?;", parts[i + 1], re.S):
        doc = re.sub(r"\s*\n\s*\*\s*", " ", m.group(1)).strip().lstrip("* ").strip()
        doc = re.sub(r"\{@code ([^}]*)\}", r"\1", doc)
        entry = {"name": prefixes[parts[i]] + "." + kebab(m.group(3)), "description": doc}
        default = default_of(m.group(4)) if m.group(4) else None
        if default is not None:
            entry["defaultValue"] = default
        properties.append(entry)
target.write_text(json.dumps({"properties": properties}, indent=2) + "\n")
print(f"wrote {len(properties)} properties to {target.relative_to(root)}")
