#!/usr/bin/env python3
"""The Helm chart helm/himaya checked without helm (Debian has none):

- values.yaml validates against values.schema.json (what `helm install` checks), and every file
  of bad-values/ (an overlay on the defaults, as `-f` gives one) is refused for the reason its
  `# refused: PATH (KEYWORD)` line names;
- yamllint passes on Chart.yaml, values.yaml and every YAML file that is no template;
- every `.Values.a.b` a template reads exists in values.yaml or is declared in the schema;
- templates are balanced: `{{` and `}}`, every if/range/with/define closed by its end, every
  template defined is included and every one included is defined;
- every flag the chart gives a binary is a flag of that binary (its --helpfull, from the build
  tree), and the probe's flags are the himaya CLI's;
- files/prometheus holds the same rules files as deploy/prometheus (their tests excepted);
- the programs of the schema and the topics' domains are the suite's (libs/core, libs/events).

Usage: HIMAYA_BIN_DIR=BUILD/bin chart_test.py [unittest arguments] (default: build/dev/bin)
"""

import copy
import filecmp
import glob
import json
import os
import re
import subprocess
import unittest

import jsonschema
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
CHART = os.path.join(ROOT, "helm", "himaya")
TEMPLATES = os.path.join(CHART, "templates")
SERVICES = ("registration", "beneficiary", "claims", "notification", "gateway")
# The build tree whose binaries are checked (CTest gives its own).
BIN_DIR = os.environ.get("HIMAYA_BIN_DIR", os.path.join(ROOT, "build", "dev", "bin"))


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def defaults():
    return load_yaml(os.path.join(CHART, "values.yaml"))


def schema():
    with open(os.path.join(CHART, "values.schema.json"), encoding="utf-8") as f:
        return json.load(f)


def overlay(values, extra):
    """`extra` merged onto `values` as helm merges a -f file: maps key by key, a null removes."""
    for key, value in extra.items():
        if value is None:
            values.pop(key, None)
        elif isinstance(value, dict) and isinstance(values.get(key), dict):
            overlay(values[key], value)
        else:
            values[key] = value
    return values


def refusals(values):
    """(dotted path, keyword, message) of each schema error of `values`."""
    validator = jsonschema.Draft7Validator(schema())
    return [(".".join(str(p) for p in e.absolute_path), e.validator, e.message) for e in validator.iter_errors(values)]


def template_texts():
    texts = {}
    for path in sorted(glob.glob(os.path.join(TEMPLATES, "*"))):
        with open(path, encoding="utf-8") as f:
            texts[os.path.basename(path)] = f.read()
    return texts


def actions(text):
    """The text of every {{ ... }} action, trimming markers and comments aside."""
    return [a.strip("-").strip() for a in re.findall(r"\{\{(.*?)\}\}", text, flags=re.S)]


def balance_errors(name, text):
    """What is unbalanced in one template file."""
    errors = []
    if text.count("{{") != text.count("}}"):
        errors.append(f"{name}: {text.count('{{')} '{{{{' but {text.count('}}')} '}}}}'")
    depth = []
    for action in actions(text):
        if action.startswith("/*"):
            if not action.endswith("*/"):
                errors.append(f"{name}: an unclosed comment")
            continue
        word = action.split()[0] if action.split() else ""
        if word in ("if", "range", "with", "define", "block"):
            depth.append(word)
        elif word == "end":
            if not depth:
                errors.append(f"{name}: an end without its if/range/with/define")
            else:
                depth.pop()
    if depth:
        errors.append(f"{name}: {', '.join(depth)} without end")
    return errors


def values_paths(text):
    """Every .Values path a template reads (.Values.a.b or $.Values.a.b), as tuples."""
    return {tuple(m.split(".")) for m in re.findall(r"\$?\.Values\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)", text)}


def declared(path, values, node):
    """Whether a .Values path exists in values.yaml or in the schema's properties."""
    found = values
    for key in path:
        if not isinstance(found, dict) or key not in found:
            break
        found = found[key]
    else:
        return True
    for key in path:
        properties = node.get("properties", {}) if isinstance(node, dict) else {}
        if key not in properties:
            return False
        node = properties[key]
    return True


def binary_flags(binary):
    """The flags a binary of the build tree takes (its --helpfull)."""
    path = os.path.join(BIN_DIR, binary)
    if not os.path.exists(path):
        raise AssertionError(f"{path}: not built (build {binary} first)")
    out = subprocess.run([path, "--helpfull"], capture_output=True, text=True, check=False)
    return set(re.findall(r"^\s+--([a-z0-9_]+)", out.stdout + out.stderr, flags=re.M))


def flags_in(text):
    return set(re.findall(r"^\s*-\s+--([a-z0-9_]+)", text, flags=re.M))


def service_flag_blocks(helpers):
    """{service: the flags himaya.serviceFlags gives it}, from _helpers.tpl."""
    start = helpers.index('{{- define "himaya.serviceFlags" -}}')
    body = helpers[start:helpers.index("{{- end -}}\n\n", start)]
    blocks = {}
    for service, block in re.findall(r'eq \.service "([a-z]+)" \}\}(.*?)(?=\{\{- else|\{\{- end \}\})', body, flags=re.S):
        blocks[service] = flags_in(block)
    return blocks


class Values(unittest.TestCase):
    def test_schema_is_a_valid_draft7_schema(self):
        jsonschema.Draft7Validator.check_schema(schema())

    def test_default_values_validate(self):
        self.assertEqual(refusals(defaults()), [])

    def test_defaults_describe_the_three_phases(self):
        services = defaults()["services"]
        for name in ("registration", "beneficiary", "notification"):
            served = sorted(p for g in services[name]["groups"].values() for p in g["programs"])
            self.assertEqual(served, sorted(defaults()["programs"]), name)
        self.assertEqual(services["notification"]["groups"]["amo-tadamon"]["replicas"], 4)
        self.assertEqual(services["notification"]["groups"]["amo-tns"]["replicas"], 1)

    def test_one_relay_per_service(self):
        for name, spec in defaults()["services"].items():
            relays = [g for g, group in spec["groups"].items() if group["relay"]]
            self.assertEqual(len(relays), 1, f"{name}: relays {relays}")

    def test_bad_values_are_refused_for_their_reason(self):
        files = sorted(glob.glob(os.path.join(HERE, "bad-values", "*.yaml")))
        self.assertGreaterEqual(len(files), 10)
        for path in files:
            with self.subTest(file=os.path.basename(path)):
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                reason = re.search(r"^# refused: (\S+) \((\w+)\)$", text, flags=re.M)
                self.assertIsNotNone(reason, "no '# refused: PATH (KEYWORD)' line")
                self.assertRegex(text, r"(?m)^# why: .+", "no '# why:' line")
                found = refusals(overlay(defaults(), yaml.safe_load(text)))
                self.assertTrue(found, "accepted")
                self.assertIn((reason.group(1), reason.group(2)), [(p, k) for p, k, _ in found], found)

    def test_programs_are_the_suites(self):
        with open(os.path.join(ROOT, "libs", "core", "programs.h"), encoding="utf-8") as f:
            known = re.findall(r'kProgram\w+ = "([a-z-]+)"', f.read())
        enum = schema()["properties"]["programs"]["items"]["enum"]
        self.assertEqual(sorted(enum), sorted(known))


class Yaml(unittest.TestCase):
    def test_yamllint(self):
        rules_copy = os.path.join(CHART, "files", "prometheus")
        files = [os.path.join(CHART, "Chart.yaml"), os.path.join(CHART, "values.yaml")]
        files += glob.glob(os.path.join(HERE, "bad-values", "*.yaml"))
        files += [p for p in glob.glob(os.path.join(ROOT, "helm", "**", "*.y*ml"), recursive=True)
                  if not p.startswith((TEMPLATES + os.sep, rules_copy + os.sep)) and p not in files]
        out = subprocess.run(["yamllint", "--strict", "-c", os.path.join(ROOT, "helm", ".yamllint"), *files],
                             capture_output=True, text=True, check=False)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        # The rules' copy keeps deploy/prometheus's layout (promtool checks it there): YAML only.
        out = subprocess.run(["yamllint", "-d", "{extends: relaxed, rules: {line-length: disable}}",
                              *glob.glob(os.path.join(rules_copy, "*.yml"))], capture_output=True, text=True,
                             check=False)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)

    def test_chart_yaml(self):
        chart = load_yaml(os.path.join(CHART, "Chart.yaml"))
        self.assertEqual(chart["apiVersion"], "v2")
        self.assertEqual(chart["name"], "himaya")
        self.assertRegex(chart["version"], r"^\d+\.\d+\.\d+$")


class Templates(unittest.TestCase):
    def test_balanced(self):
        errors = []
        for name, text in template_texts().items():
            errors += balance_errors(name, text)
        self.assertEqual(errors, [])

    def test_balance_check_refuses_broken_templates(self):
        self.assertTrue(balance_errors("t", "{{ if .Values.a }}x"))
        self.assertTrue(balance_errors("t", "{{ .Values.a }"))
        self.assertTrue(balance_errors("t", "x{{ end }}"))
        self.assertEqual(balance_errors("t", "{{- range .Values.a }}{{ . }}{{- end }}"), [])

    def test_every_define_is_used_and_every_include_defined(self):
        texts = template_texts()
        defined = set()
        used = set()
        for text in texts.values():
            defined |= set(re.findall(r'define "([^"]+)"', text))
            used |= set(re.findall(r'(?:include|template) "([^"]+)"', text))
        self.assertEqual(sorted(defined - used), [], "defined, never included")
        self.assertEqual(sorted(used - defined), [], "included, never defined")

    def test_values_read_by_templates_exist(self):
        values = defaults()
        missing = []
        for name, text in template_texts().items():
            for path in values_paths(text):
                if not declared(path, values, schema()):
                    missing.append(f"{name}: .Values.{'.'.join(path)}")
        self.assertEqual(missing, [])

    def test_the_values_check_refuses_an_unknown_path(self):
        self.assertFalse(declared(("kafka", "bootstrapp"), defaults(), schema()))
        self.assertTrue(declared(("kafka", "bootstrap"), defaults(), schema()))

    def test_every_service_has_its_kind_of_resource(self):
        texts = template_texts()
        for kind in ("Deployment", "Service", "ServiceMonitor", "PrometheusRule", "ScaledObject",
                     "PodDisruptionBudget", "NetworkPolicy", "Ingress", "Certificate", "Issuer", "Kafka",
                     "KafkaNodePool", "KafkaTopic", "Cluster"):
            self.assertTrue(any(re.search(rf"(?m)^kind: {kind}$", t) for t in texts.values()), kind)
        for text in texts.values():
            for block in re.findall(r"(?ms)^metadata:\n(.*?)^spec:", text):
                if "labels:" in block:
                    self.assertIn('include "himaya.labels"', block)


class Flags(unittest.TestCase):
    def test_flags_given_to_each_binary_are_its_own(self):
        texts = template_texts()
        deployment = texts["deployments.yaml"]
        args = deployment[deployment.index("args:"):deployment.index("env:")]
        common = flags_in(args)
        blocks = service_flag_blocks(texts["_helpers.tpl"])
        self.assertEqual(sorted(blocks), sorted(SERVICES))
        values = defaults()
        for service in SERVICES:
            with self.subTest(service=service):
                known = binary_flags(f"himaya-{service}")
                given = common | blocks[service] | set(values["services"][service].get("args", {}))
                self.assertEqual(sorted(given - known), [], f"not flags of himaya-{service}")

    def test_probe_flags_are_the_clis(self):
        helpers = template_texts()["_helpers.tpl"]
        probe = helpers[helpers.index('define "himaya.healthProbe"'):]
        self.assertIn("- health\n", probe)
        self.assertEqual(sorted(flags_in(probe) - binary_flags("himaya")), [])


class Rules(unittest.TestCase):
    def test_rules_copy_is_identical(self):
        source = os.path.join(ROOT, "deploy", "prometheus")
        copy_dir = os.path.join(CHART, "files", "prometheus")
        rules = sorted(f for f in os.listdir(source) if f.endswith(".yml") and not f.endswith("_test.yml"))
        self.assertEqual(sorted(os.listdir(copy_dir)), rules,
                         "copy again: cp deploy/prometheus/*.yml helm/himaya/files/prometheus/ (not the _test.yml)")
        for name in rules:
            self.assertTrue(filecmp.cmp(os.path.join(source, name), os.path.join(copy_dir, name), shallow=False),
                            f"{name} differs: cp deploy/prometheus/{name} helm/himaya/files/prometheus/")

    def test_topics_domains_are_the_suites(self):
        with open(os.path.join(ROOT, "libs", "events", "topics.h"), encoding="utf-8") as f:
            domains = re.findall(r'k\w+Domain = "([a-z]+)"', f.read())
        kafka = template_texts()["kafka.yaml"]
        listed = re.search(r'range \$domain := list ((?:"[a-z]+" ?)+)', kafka).group(1)
        self.assertEqual(sorted(re.findall(r'"([a-z]+)"', listed)), sorted(domains))
        self.assertIn("topicName: himaya.{{ $domain }}.{{ $program }}.v1", kafka)


if __name__ == "__main__":
    unittest.main(verbosity=2)
