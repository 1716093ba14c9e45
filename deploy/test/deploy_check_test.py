#!/usr/bin/env python3
"""Tests of deploy_check.py: the project's deploy/ passes, and each kind of defect is refused
with a line naming it (an alert without runbook section or severity or test, a dashboard that
is not JSON, a uid twice, a panel without targets, an expression promtool does not parse).

Run: HIMAYA_PROMTOOL=/usr/bin/promtool python3 deploy/test/deploy_check_test.py
"""

import copy
import json
import os
import shutil
import tempfile
import unittest
from pathlib import Path

import deploy_check

SOURCE = Path(__file__).resolve().parents[2]
PROMTOOL = os.environ.get("HIMAYA_PROMTOOL", "promtool")

OPERATIONS = """# Operations
## Alerts
### HimayaThingDown
What to do.
"""

RULES = """groups:
  - name: g
    rules:
      - alert: HimayaThingDown
        expr: up == 0
        for: 1m
        labels:
          severity: critical
        annotations:
          summary: "{{ $labels.job }} is down"
          description: "It is down."
          runbook_url: "https://github.com/himaya/himaya/blob/main/docs/operations.md#himayathingdown"
"""

RULES_TEST = """rule_files: [rules.yml]
tests:
  - input_series:
      - series: 'up{job="a"}'
        values: '0 0 0'
    alert_rule_test:
      - eval_time: 0m
        alertname: HimayaThingDown
        exp_alerts: []
      - eval_time: 2m
        alertname: HimayaThingDown
        exp_alerts:
          - exp_labels: {severity: critical, job: a}
"""

RECORDS = """groups:
  - name: records
    rules:
      - record: program:himaya_claims_past_due:max
        expr: max by (program) (himaya_claims_past_due)
"""

DASHBOARD = {
    "uid": "himaya-thing",
    "title": "Thing",
    "schemaVersion": 38,
    "templating": {
        "list": [
            {"name": "datasource", "type": "datasource", "query": "prometheus"},
            {
                "name": "program",
                "type": "query",
                "datasource": {"type": "prometheus", "uid": "${datasource}"},
                "query": {"query": "label_values(program:himaya_claims_past_due:max, program)"},
            },
        ]
    },
    "panels": [
        {
            "id": 1,
            "type": "timeseries",
            "title": "Calls",
            "gridPos": {"h": 8, "w": 12, "x": 0, "y": 0},
            "datasource": {"type": "prometheus", "uid": "${datasource}"},
            "targets": [
                {
                    "refId": "A",
                    "expr": 'sum by (job) (rate(himaya_rpc_requests_total{program=~"$program",x="${program:regex}"}[$__rate_interval]))',
                }
            ],
        }
    ],
}


class DeployCheckTest(unittest.TestCase):
    def setUp(self):
        self.dir = Path(tempfile.mkdtemp())
        (self.dir / "deploy" / "prometheus").mkdir(parents=True)
        (self.dir / "deploy" / "grafana").mkdir()
        self.write("docs/operations.md", OPERATIONS)
        self.write("deploy/prometheus/rules.yml", RULES)
        self.write("deploy/prometheus/rules_test.yml", RULES_TEST)
        self.write("deploy/prometheus/records.yml", RECORDS)
        self.write_dashboard("thing.json", DASHBOARD)

    def tearDown(self):
        shutil.rmtree(self.dir)

    def write(self, name, text):
        path = self.dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def write_dashboard(self, name, dashboard):
        self.write(f"deploy/grafana/{name}", json.dumps(dashboard))

    def problems(self):
        problems, _ = deploy_check.check(self.dir / "deploy", self.dir / "docs" / "operations.md", PROMTOOL)
        return problems

    def assertRefused(self, *fragments):
        problems = self.problems()
        self.assertTrue(
            any(all(f in p for f in fragments) for p in problems),
            f"no problem names {fragments}: {problems}",
        )

    def test_the_projects_alerts_and_dashboards_pass(self):
        problems, summary = deploy_check.check(SOURCE / "deploy", SOURCE / "docs" / "operations.md", PROMTOOL)
        self.assertEqual(problems, [], summary)

    def test_a_sound_fixture_passes_variables_and_intervals_substituted(self):
        self.assertEqual(self.problems(), [])

    def test_an_alert_without_its_runbook_section_is_refused(self):
        self.write("docs/operations.md", "# Operations\n## Alerts\n### HimayaOtherThing\n")
        self.assertRefused("alert HimayaThingDown", "#himayathingdown is no heading")

    def test_a_runbook_elsewhere_is_refused(self):
        self.write("deploy/prometheus/rules.yml", RULES.replace("https://github.com/himaya/himaya/blob/main/", "https://wiki/"))
        self.assertRefused("alert HimayaThingDown", "does not start with")

    def test_an_alert_without_severity_is_refused(self):
        self.write("deploy/prometheus/rules.yml", RULES.replace("severity: critical", "team: ops"))
        self.assertRefused("alert HimayaThingDown", "severity")

    def test_an_alert_without_description_is_refused(self):
        self.write("deploy/prometheus/rules.yml", RULES.replace('description: "It is down."', ""))
        self.assertRefused("alert HimayaThingDown", "no description annotation")

    def test_an_alert_never_tested_firing_is_refused(self):
        self.write("deploy/prometheus/rules_test.yml", RULES_TEST.split("      - eval_time: 2m")[0])
        self.assertRefused("alert HimayaThingDown", "no promtool test where it fires")

    def test_a_dashboard_that_is_not_json_is_refused(self):
        self.write("deploy/grafana/broken.json", '{"uid": "x",')
        self.assertRefused("broken.json", "not valid JSON")

    def test_a_uid_twice_is_refused(self):
        self.write_dashboard("again.json", DASHBOARD)
        self.assertRefused("uid himaya-thing is also")

    def test_a_panel_without_targets_is_refused(self):
        dashboard = copy.deepcopy(DASHBOARD)
        del dashboard["panels"][0]["targets"]
        self.write_dashboard("thing.json", dashboard)
        self.assertRefused("panel 'Calls'", "no targets")

    def test_a_panel_without_the_datasource_variable_is_refused(self):
        dashboard = copy.deepcopy(DASHBOARD)
        dashboard["panels"][0]["datasource"] = {"type": "prometheus", "uid": "PBFA97CFB590B2093"}
        self.write_dashboard("thing.json", dashboard)
        self.assertRefused("panel 'Calls'", "datasource is not ${datasource}")

    def test_an_old_schema_is_refused(self):
        dashboard = copy.deepcopy(DASHBOARD)
        dashboard["schemaVersion"] = 16
        self.write_dashboard("thing.json", dashboard)
        self.assertRefused("thing.json", "schemaVersion 16")

    def test_an_expression_that_does_not_parse_is_refused(self):
        dashboard = copy.deepcopy(DASHBOARD)
        dashboard["panels"][0]["targets"][0]["expr"] = "sum(rate(himaya_rpc_requests_total[$__rate_interval])"
        self.write_dashboard("thing.json", dashboard)
        self.assertRefused("thing.json: panel 'Calls' target A", "parse error")

    def test_a_recording_rule_nobody_records_is_refused(self):
        dashboard = copy.deepcopy(DASHBOARD)
        dashboard["panels"][0]["targets"][0]["expr"] = 'program:himaya_claims_past_due:max{topic="a:b:c"}'
        self.write_dashboard("thing.json", dashboard)
        self.assertEqual(self.problems(), [])
        dashboard["panels"][0]["targets"][0]["expr"] = "program:himaya_claims_past_due:maximum"
        self.write_dashboard("thing.json", dashboard)
        self.assertRefused("panel 'Calls' target A", "program:himaya_claims_past_due:maximum is recorded by no rule")

    def test_a_variable_whose_query_does_not_parse_is_refused(self):
        dashboard = copy.deepcopy(DASHBOARD)
        dashboard["templating"]["list"][1]["query"] = {"query": "label_values(program:x:max{program=, program)"}
        self.write_dashboard("thing.json", dashboard)
        self.assertRefused("thing.json: variable program", "parse error")

    def test_anchors_are_githubs(self):
        anchors = deploy_check.markdown_anchors("## Alerts\n### HimayaServiceDown\n## What to watch\n## Alerts\n```\n# not a heading\n```\n")
        self.assertEqual(anchors, {"alerts", "himayaservicedown", "what-to-watch", "alerts-1"})


if __name__ == "__main__":
    unittest.main()
