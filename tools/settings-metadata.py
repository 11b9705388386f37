#!/usr/bin/env python3
"""Writes the starter's additional-spring-configuration-metadata.json from the javadoc and defaults of the
settings types: the engine's AbuseGuardSettings (api module), each guard package's settings and the
servlet and Redis modules' sections. Spring binds those sections through the GuardFactory /
SettingsSection SPI, so the configuration processor does not see them. Run after changing a settings
type; SpringConfigurationMetadataTest fails while a property lacks a description."""
import json
import re
from pathlib import Path

root = Path(__file__).resolve().parent.parent
api = root / "abuse-guard-api/src/main/java/io/github/abuseguard"
target = root / "abuse-guard-spring-starter/src/main/resources/META-INF/additional-spring-configuration-metadata.json"
# file -> {class name: property prefix}
files = {
    api / "config/AbuseGuardSettings.java": {
        "AbuseGuardSettings": "abuse-guard", "Client": "abuse-guard.client", "Body": "abuse-guard.body",
        "Store": "abuse-guard.store", "Routes": "abuse-guard.routes", "Logging": "abuse-guard.logging"},
    api / "config/GuardSettings.java": {},
    api / "ratelimit/RateLimitSettings.java": {"RateLimitSettings": "abuse-guard.rate-limit"},
    api / "origin/OriginSettings.java": {"OriginSettings": "abuse-guard.origin"},
    api / "client/ClientSignalsSettings.java": {"ClientSignalsSettings": "abuse-guard.client-signals"},
    api / "client/IpListSettings.java": {"IpListSettings": "abuse-guard.ip-lists"},
    api / "email/EmailSettings.java": {"EmailSettings": "abuse-guard.email"},
    api / "sequence/SequenceSettings.java": {"SequenceSettings": "abuse-guard.sequence"},
    api / "failure/FailureSettings.java": {"FailureSettings": "abuse-guard.failure"},
    api / "volume/VolumeSettings.java": {"VolumeSettings": "abuse-guard.volume"},
    root / "abuse-guard-servlet/src/main/java/io/github/abuseguard/servlet/ResponseSettings.java":
        {"ResponseSettings": "abuse-guard.responses"},
    root / "abuse-guard-servlet/src/main/java/io/github/abuseguard/servlet/TarpitSettings.java":
        {"TarpitSettings": "abuse-guard.tarpit"},
    root / "abuse-guard-redis/src/main/java/io/github/abuseguard/redis/RedisSettings.java":
        {"RedisSettings": "abuse-guard.store.redis"},
}
guard_prefixes = ["abuse-guard." + n for n in ("rate-limit", "origin", "client-signals", "email", "sequence", "failure", "volume")]
all_sources = [p.read_text() for p in (root / "abuse-guard-api/src/main/java").rglob("*.java")]
scope = None  # the text a constant is looked up in first: the class being read


def kebab(name):
    return re.sub(r"([A-Z])", lambda m: "-" + m.group(1).lower(), name)


def default_of(text):
    text = text.strip()
    name = re.fullmatch(r"(?:\w+\.)?([A-Z][A-Z0-9_]+)", text)
    if name:  # a named constant, here or in another class of the api module
        for source in scope + all_sources:
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




def read(part, prefix):
    for m in re.finditer(r"/\*\*\s*((?:(?!\*/).)*?)\s*\*/\s*private ([\w<>, .]+) (\w+)(?: = ([^;]+))?;", part, re.S):
        doc = re.sub(r"\s*\n\s*\*\s*", " ", m.group(1)).strip().lstrip("* ").strip()
        doc = re.sub(r"\{@code ([^}]*)\}", r"\1", doc)
        entry = {"name": prefix + "." + kebab(m.group(3)), "description": doc}
        default = default_of(m.group(4)) if m.group(4) else None
        if default is not None:
            entry["defaultValue"] = default
        properties.append(entry)


properties = []
guard_settings = (api / "config/GuardSettings.java").read_text()
for path, prefixes in files.items():
    src = path.read_text()
    parts = re.split(r"(?:public )?(?:abstract )?(?:static )?class (\w+)", src)
    for i in range(1, len(parts), 2):
        if parts[i] not in prefixes:
            continue
        body = parts[i + 1]
        # a nested class's text ends where the next class starts; the top-level class's too
        scope = [body, src]
        read(body, prefixes[parts[i]])
for prefix in guard_prefixes:
    scope = [guard_settings]
    read(guard_settings.split("class GuardSettings")[1], prefix)
properties.append({
    "name": "abuse-guard.decoys",
    "type": "java.util.Map<java.lang.String,io.github.abuseguard.servlet.DecoySettings>",
    "description": "Fake successes by name, for the decoy action; default is used when a rule names none."})
properties.sort(key=lambda p: p["name"])
target.write_text(json.dumps({"properties": properties}, indent=2) + "\n")
print(f"wrote {len(properties)} properties to {target.relative_to(root)}")
