#!/usr/bin/env python3
"""The Helm chart helm/himaya checked without helm (Debian has none):

- values.yaml validates against values.schema.json (what `helm install` checks), and every file
  of bad-values/ (an overlay on the defaults, as `-f` gives one) is refused for the reason its
  `# refused: PATH (KEYWORD)` line names;
- yamllint passes on Chart.yaml, values.yaml and every YAML file that is no template;
- every `.Values.a.b` a template reads exists in values.yaml or is declared in the schema;
- templates are balanced: `{{` and `}}`, every if/range/with/define closed by its end, every
  template defined is included and every one included is defined;
- the chart rendered as `helm template` renders it (render/main.go: Go's text/template, sprig and
  helm's functions, from Debian's Go packages), with the defaults and with a cluster's own
  infrastructure (own-infrastructure.yaml): every resource named and labelled, a Deployment per
  service and group, every flag given a binary its own (its --helpfull, from the build tree) and
  the probes' the himaya CLI's, peers called at Services their certificates name, KEDA on real
  topics, only the gateway reached from outside, the PrometheusRules the project's rules;
- files/prometheus holds the same rules files as deploy/prometheus (their tests excepted);
- the programs of the schema and the topics' domains are the suite's (libs/core, libs/events).

Usage: HIMAYA_BIN_DIR=BUILD/bin chart_test.py [unittest arguments] (default: build/dev/bin)
"""

import copy
import filecmp
import functools
import glob
import json
import os
import re
import subprocess
import tempfile
import unittest

import jsonschema
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
CHART = os.path.join(ROOT, "helm", "himaya")
TEMPLATES = os.path.join(CHART, "templates")
SERVICES = ("registration", "beneficiary", "claims", "contributions", "notification", "gateway")
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


@functools.lru_cache(maxsize=None)
def binary_flags(binary):
    """The flags a binary of the build tree takes (its --helpfull)."""
    path = os.path.join(BIN_DIR, binary)
    if not os.path.exists(path):
        raise AssertionError(f"{path}: not built (build {binary} first)")
    out = subprocess.run([path, "--helpfull"], capture_output=True, text=True, check=False)
    return set(re.findall(r"^\s+--([a-z0-9_]+)", out.stdout + out.stderr, flags=re.M))


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


def build_renderer(directory):
    """Builds helm/test/render (Go's text/template with sprig and helm's own functions) with
    Debian's Go packages, offline."""
    env = dict(os.environ, GO111MODULE="off", GOPATH="/usr/share/gocode",
               GOCACHE=os.environ.get("HIMAYA_GO_CACHE", os.path.join(directory, "go-cache")))
    binary = os.path.join(directory, "render")
    try:
        out = subprocess.run(["go", "build", "-o", binary, os.path.join(HERE, "render", "main.go")], env=env,
                             capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise AssertionError("no go: install golang-go golang-github-masterminds-sprig-dev "
                             "golang-gopkg-yaml.v3-dev (tools/install-deps)")
    if out.returncode != 0:
        raise AssertionError(f"go build helm/test/render: {out.stderr}")
    return binary


class Rendered(unittest.TestCase):
    """The chart rendered as `helm template` renders it, with the default values and with a
    cluster's own infrastructure, and each resource checked against the others and the binaries."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.renderer = build_renderer(cls.tmp.name)
        cls.docs = cls.render()
        cls.own = cls.render(os.path.join(HERE, "own-infrastructure.yaml"))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def run_renderer(cls, *flags):
        return subprocess.run([cls.renderer, f"-chart={CHART}", *flags], capture_output=True, text=True, check=False)

    @classmethod
    def render(cls, *overlays):
        out = cls.run_renderer(*[f"-f={o}" for o in overlays])
        if out.returncode != 0:
            raise AssertionError(out.stderr)
        return [d for d in yaml.safe_load_all(out.stdout) if d]

    @staticmethod
    def of(docs, kind):
        return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}

    def test_every_resource_is_named_and_labelled(self):
        for docs in (self.docs, self.own):
            seen = set()
            for doc in docs:
                name = doc["metadata"]["name"]
                self.assertNotIn((doc["kind"], name), seen)
                seen.add((doc["kind"], name))
                self.assertRegex(name, r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
                if doc["kind"] in ("Service", "Deployment"):
                    self.assertLessEqual(len(name), 63, name)
                labels = doc["metadata"]["labels"]
                for label in ("app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/version",
                              "app.kubernetes.io/managed-by", "app.kubernetes.io/part-of", "helm.sh/chart"):
                    self.assertIn(label, labels, f"{doc['kind']} {name}")

    def test_a_deployment_per_service_and_group(self):
        values = defaults()
        deployments = self.of(self.docs, "Deployment")
        expected = {f"himaya-{s}-{g}" for s, spec in values["services"].items() for g in spec["groups"]}
        self.assertEqual(set(deployments), expected)
        for name, d in deployments.items():
            spec = d["spec"]
            self.assertTrue(spec["selector"]["matchLabels"].items() <= spec["template"]["metadata"]["labels"].items())
            pod = spec["template"]["spec"]
            self.assertTrue(pod["securityContext"]["runAsNonRoot"])
            container = pod["containers"][0]
            for probe in ("readinessProbe", "livenessProbe"):
                self.assertEqual(container[probe]["exec"]["command"][:2], ["himaya", "health"], name)

    def test_flags_given_to_each_binary_are_its_own(self):
        cli = binary_flags("himaya")
        for docs in (self.docs, self.own):
            for name, d in self.of(docs, "Deployment").items():
                container = d["spec"]["template"]["spec"]["containers"][0]
                binary = container["command"][0]
                flags = {a[2:].split("=", 1)[0] for a in container["args"]}
                self.assertEqual(sorted(flags - binary_flags(binary)), [], f"{name}: not flags of {binary}")
                probe = {a[2:].split("=", 1)[0] for a in container["livenessProbe"]["exec"]["command"][2:]}
                self.assertEqual(sorted(probe - cli), [], f"{name}: not flags of himaya")

    def test_peers_are_services_their_certificates_name(self):
        services = self.of(self.docs, "Service")
        certificates = {c["spec"]["commonName"]: c for c in self.of(self.docs, "Certificate").values()}
        for name, d in self.of(self.docs, "Deployment").items():
            pod = d["spec"]["template"]["spec"]
            tls = [v["secret"]["secretName"] for v in pod["volumes"] if v["name"] == "tls"][0]
            component = d["metadata"]["labels"]["app.kubernetes.io/component"]
            self.assertEqual(certificates[component]["spec"]["secretName"], tls, name)
            for arg in pod["containers"][0]["args"]:
                peer = re.match(r"--(registration|beneficiary|claims|contributions)_address=([^:]+):50051$", arg)
                if peer:
                    self.assertIn(peer.group(2), services, f"{name}: {arg}")
                    self.assertIn(peer.group(2), certificates[peer.group(1)]["spec"]["dnsNames"])
        for name, service in services.items():
            selector = service["spec"]["selector"].items()
            self.assertTrue(any(selector <= d["spec"]["template"]["metadata"]["labels"].items()
                                for d in self.of(self.docs, "Deployment").values()), f"{name} selects no pod")

    def test_keda_scales_consumers_on_their_topics(self):
        topics = {t["spec"]["topicName"] for t in self.of(self.docs, "KafkaTopic").values()}
        self.assertEqual(len(topics), 5 * len(defaults()["programs"]), "five domains, a topic per program")
        for topic in self.of(self.docs, "KafkaTopic").values():
            self.assertEqual(topic["spec"]["replicas"], 3)
            self.assertEqual(topic["spec"]["config"]["min.insync.replicas"], 2)
        deployments = self.of(self.docs, "Deployment")
        scaled = self.of(self.docs, "ScaledObject")
        self.assertEqual({n.split("-")[1] for n in scaled}, {"beneficiary", "contributions", "notification"})
        for name, so in scaled.items():
            target = deployments[so["spec"]["scaleTargetRef"]["name"]]
            self.assertNotIn("replicas", target["spec"], "KEDA owns the replicas")
            programs = [a.split("=", 1)[1] for a in target["spec"]["template"]["spec"]["containers"][0]["args"]
                        if a.startswith("--programs=")][0].split(",")
            for trigger in so["spec"]["triggers"]:
                self.assertIn(trigger["metadata"]["topic"], topics)
                self.assertIn(trigger["metadata"]["topic"].split(".")[2], programs)
        # A consumer group of one program's topic (notification's of family allowances paid) is
        # a trigger of the groups serving that program only.
        triggers = {(n, t["metadata"]["consumerGroup"], t["metadata"]["topic"])
                    for n, so in scaled.items() for t in so["spec"]["triggers"]}
        self.assertIn(("himaya-notification-family-allowances", "notification-allowances",
                       "himaya.beneficiary.family-allowances.v1"), triggers)
        self.assertEqual([t for t in triggers if t[1] == "notification-allowances"
                          and t[0] != "himaya-notification-family-allowances"], [])
        self.assertIn(("himaya-beneficiary-amo-tns", "beneficiary-contributions", "himaya.contributions.amo-tns.v1"),
                      triggers)
        for d in self.of(self.own, "Deployment").values():
            self.assertGreaterEqual(d["spec"]["replicas"], 1)

    def test_only_the_gateway_is_reached_from_outside(self):
        for name, policy in self.of(self.docs, "NetworkPolicy").items():
            outside = [rule for rule in policy["spec"]["ingress"]
                       if any("namespaceSelector" in peer for peer in rule["from"])
                       and any(port["port"] != 9090 for port in rule["ports"])]
            if name == "himaya-gateway":
                self.assertEqual([p["port"] for rule in outside for p in rule["ports"]], [8080])
            else:
                self.assertEqual(outside, [], name)
        ingress = self.of(self.docs, "Ingress")["himaya-gateway"]
        backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
        self.assertEqual(backend["name"], "himaya-gateway")

    def test_prometheus_rules_are_the_projects(self):
        rules = self.of(self.docs, "PrometheusRule")
        source = os.path.join(ROOT, "deploy", "prometheus")
        for name in os.listdir(source):
            if name.endswith(".yml") and not name.endswith("_test.yml"):
                self.assertEqual(rules[f"himaya-{name[:-4]}"]["spec"], load_yaml(os.path.join(source, name)), name)

    def test_own_infrastructure_makes_none_of_it(self):
        self.assertEqual(refusals(overlay(defaults(), load_yaml(os.path.join(HERE, "own-infrastructure.yaml")))), [])
        kinds = {d["kind"] for d in self.own}
        for kind in ("Kafka", "KafkaTopic", "Cluster", "Certificate", "Issuer", "ScaledObject", "ServiceMonitor",
                     "PrometheusRule"):
            self.assertNotIn(kind, kinds)
        registration = self.of(self.own, "Deployment")["himaya-registration-amo-tns"]
        container = registration["spec"]["template"]["spec"]["containers"][0]
        self.assertIn("--database=postgresql://registration@pg.shared.svc/registration", container["args"])
        self.assertIn("--kafka_bootstrap=kafka.shared.svc:9093", container["args"])
        password = [e for e in container["env"] if e["name"] == "PGPASSWORD"][0]
        self.assertEqual(password["valueFrom"]["secretKeyRef"]["name"], "pg-registration")

    def test_a_missing_database_fails_the_render(self):
        with tempfile.NamedTemporaryFile("w", suffix=".yaml") as f:
            f.write("postgres:\n  create: false\n")
            f.flush()
            out = self.run_renderer(f"-f={f.name}")
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("postgres.external.", out.stderr)

    def test_notes_render(self):
        out = self.run_renderer("-notes")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("notification: amo-tadamon (amo-tadamon) x 4", out.stdout)


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
