#!/usr/bin/env python3
"""Checks what deploy/ gives operations, beyond what promtool checks alone.

Alerts (deploy/prometheus/*.yml, not *_test.yml): each has a severity, a summary, a description
and a runbook_url under RUNBOOK_BASE whose anchor is a heading of docs/operations.md; each is
tested by a *_test.yml both firing and not firing.
Dashboards (deploy/grafana/*.json): valid JSON, a uid of their own, Grafana's JSON model
(schemaVersion, a `datasource` variable, panels with gridPos and targets on `${datasource}`),
and every PromQL expression (panels' targets, variables' label_values) parses with promtool's
parser, once Grafana's variables are given a value, and reads only recording rules that exist.

Usage: deploy_check.py --deploy=DIR --operations=FILE [--promtool=PATH]
Prints each problem on a line of its own and exits 1, or a summary and exits 0.
"""

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

RUNBOOK_BASE = "https://github.com/himaya/himaya/blob/main/docs/operations.md#"
SEVERITIES = ("critical", "warning", "info")
MIN_SCHEMA_VERSION = 37
PANEL_TYPES_WITHOUT_QUERIES = ("row", "text")

# Grafana's own interval variables, and a user variable as $name, ${name} or ${name:format}.
GRAFANA_INTERVALS = re.compile(r"\$(__rate_interval|__interval|__range)\b|\$\{(__rate_interval|__interval|__range)\}")
# A recording rule's output, level:metric:operations.
RECORDED_NAME = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*:[A-Za-z0-9_]+:[A-Za-z0-9_]+\b")
GRAFANA_VARIABLE = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*(:[A-Za-z]+)?\}|\$[A-Za-z_][A-Za-z0-9_]*")


def markdown_anchors(markdown):
    """The anchors GitHub gives the headings of a Markdown text (lowercase, punctuation dropped,
    spaces as hyphens, a repeated heading suffixed -1, -2...)."""
    anchors = set()
    seen = {}
    in_code = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            in_code = not in_code
            continue
        match = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if in_code or not match:
            continue
        slug = re.sub(r"[^\w\- ]", "", match.group(1).strip().lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(slug if count == 0 else f"{slug}-{count}")
    return anchors


def rule_files(prometheus_dir):
    return sorted(p for p in prometheus_dir.glob("*.yml") if not p.name.endswith("_test.yml"))


def test_files(prometheus_dir):
    return sorted(prometheus_dir.glob("*_test.yml"))


def load_yaml(path, problems):
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as e:
        problems.append(f"{path.name}: not readable YAML: {e}")
        return {}


def alerts_of(prometheus_dir, problems):
    """(file name, rule) for every alerting rule of the rules files."""
    alerts = []
    for path in rule_files(prometheus_dir):
        for group in load_yaml(path, problems).get("groups") or []:
            for rule in group.get("rules") or []:
                if "alert" in rule:
                    alerts.append((path.name, rule))
    return alerts


def check_alerts(prometheus_dir, operations_md, problems):
    """Each alert's labels, annotations and runbook section; returns the alerts' names."""
    anchors = markdown_anchors(operations_md.read_text(encoding="utf-8"))
    names = []
    for file_name, rule in alerts_of(prometheus_dir, problems):
        name = rule["alert"]
        where = f"{file_name}: alert {name}"
        if name in names:
            problems.append(f"{where}: defined twice")
        names.append(name)
        severity = (rule.get("labels") or {}).get("severity")
        if severity not in SEVERITIES:
            problems.append(f"{where}: severity label is {severity!r}, not one of {', '.join(SEVERITIES)}")
        annotations = rule.get("annotations") or {}
        for key in ("summary", "description", "runbook_url"):
            if not annotations.get(key):
                problems.append(f"{where}: no {key} annotation")
        url = annotations.get("runbook_url")
        if not url:
            continue
        if not url.startswith(RUNBOOK_BASE):
            problems.append(f"{where}: runbook_url {url} does not start with {RUNBOOK_BASE}")
            continue
        anchor = url[len(RUNBOOK_BASE):]
        if anchor not in anchors:
            problems.append(f"{where}: runbook_url's anchor #{anchor} is no heading of {operations_md.name}")
    return names


def recorded_names(prometheus_dir, problems):
    """The series the recording rules of the rules files record."""
    names = set()
    for path in rule_files(prometheus_dir):
        for group in load_yaml(path, problems).get("groups") or []:
            names.update(rule["record"] for rule in group.get("rules") or [] if "record" in rule)
    return names


def check_recorded_names(expressions, recorded, problems):
    """Each level:metric:operations series an expression reads is recorded by a rule."""
    for where, expression in expressions:
        unquoted = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expression)
        for name in sorted(set(RECORDED_NAME.findall(unquoted)) - recorded):
            problems.append(f"{where}: {name} is recorded by no rule of deploy/prometheus")


def check_alert_tests(prometheus_dir, names, problems):
    """Each alert is tested firing (exp_alerts not empty) and not firing (exp_alerts empty)."""
    firing, quiet = set(), set()
    for path in test_files(prometheus_dir):
        for test in load_yaml(path, problems).get("tests") or []:
            for case in test.get("alert_rule_test") or []:
                (firing if case.get("exp_alerts") else quiet).add(case.get("alertname"))
    for name in names:
        if name not in firing:
            problems.append(f"alert {name}: no promtool test where it fires (*_test.yml alert_rule_test)")
        if name not in quiet:
            problems.append(f"alert {name}: no promtool test where it does not fire (exp_alerts: [])")


def as_promql(expression):
    """A Grafana expression as plain PromQL: intervals as 5m, other variables as a word."""
    expression = GRAFANA_INTERVALS.sub("5m", expression)
    return GRAFANA_VARIABLE.sub("value", expression)


def variable_expression(query):
    """The PromQL a query variable reads: label_values(EXPR, label) gives EXPR,
    query_result(EXPR) EXPR; label_values(label) and anything else none."""
    if isinstance(query, dict):
        query = query.get("query", "")
    query = (query or "").strip()
    match = re.fullmatch(r"label_values\((.*),\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)", query, re.S)
    if match:
        return match.group(1)
    match = re.fullmatch(r"query_result\((.*)\)", query, re.S)
    return match.group(1) if match else None


def panels_of(dashboard):
    """Every panel, those inside collapsed rows included."""
    for panel in dashboard.get("panels") or []:
        yield panel
        yield from panel.get("panels") or []


def is_datasource_variable(datasource):
    uid = datasource.get("uid") if isinstance(datasource, dict) else datasource
    return uid in ("${datasource}", "$datasource")


def check_dashboard(name, dashboard, expressions, problems):
    """One dashboard's model; appends (where, expression) for each PromQL expression to parse."""
    if not isinstance(dashboard, dict):
        problems.append(f"{name}: not a JSON object")
        return
    for key in ("uid", "title"):
        if not dashboard.get(key):
            problems.append(f"{name}: no {key}")
    if not isinstance(dashboard.get("schemaVersion"), int) or dashboard["schemaVersion"] < MIN_SCHEMA_VERSION:
        problems.append(f"{name}: schemaVersion {dashboard.get('schemaVersion')!r} is not {MIN_SCHEMA_VERSION} or later")
    variables = (dashboard.get("templating") or {}).get("list") or []
    if not any(v.get("name") == "datasource" and v.get("type") == "datasource" for v in variables):
        problems.append(f"{name}: no datasource variable (type datasource, name datasource)")
    for variable in variables:
        if variable.get("type") != "query":
            continue
        where = f"{name}: variable {variable.get('name')}"
        if not is_datasource_variable(variable.get("datasource")):
            problems.append(f"{where}: datasource is not ${{datasource}}")
        expression = variable_expression(variable.get("query"))
        if expression is None:
            problems.append(f"{where}: query is not label_values(EXPRESSION, label)")
        else:
            expressions.append((where, expression))
    ids = set()
    panels = list(panels_of(dashboard))
    if not panels:
        problems.append(f"{name}: no panels")
    for panel in panels:
        where = f"{name}: panel {panel.get('title')!r}"
        if panel.get("id") in ids:
            problems.append(f"{where}: id {panel.get('id')} used twice")
        ids.add(panel.get("id"))
        grid = panel.get("gridPos") or {}
        if not all(isinstance(grid.get(k), int) for k in ("h", "w", "x", "y")):
            problems.append(f"{where}: no gridPos with h, w, x and y")
        if panel.get("type") in PANEL_TYPES_WITHOUT_QUERIES:
            continue
        if not is_datasource_variable(panel.get("datasource")):
            problems.append(f"{where}: datasource is not ${{datasource}}")
        targets = panel.get("targets") or []
        if not targets:
            problems.append(f"{where}: no targets")
        for target in targets:
            expression = target.get("expr")
            if not expression:
                problems.append(f"{where}: a target without expr")
                continue
            expressions.append((f"{where} target {target.get('refId', '?')}", expression))


def check_dashboards(grafana_dir, problems):
    """Every dashboard's model and uid; returns (where, expression) to parse."""
    expressions = []
    uids = {}
    for path in sorted(grafana_dir.glob("*.json")):
        try:
            dashboard = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            problems.append(f"{path.name}: not valid JSON: {e}")
            continue
        check_dashboard(path.name, dashboard, expressions, problems)
        uid = dashboard.get("uid") if isinstance(dashboard, dict) else None
        if uid and uid in uids:
            problems.append(f"{path.name}: uid {uid} is also {uids[uid]}'s")
        elif uid:
            uids[uid] = path.name
    return expressions, len(uids)


def check_expressions(expressions, promtool, problems):
    """Parses each expression with promtool, as a recording rule of a temporary rules file."""
    if not expressions:
        return
    rules = [{"record": f"deploy_check:expression_{i}", "expr": as_promql(e)} for i, (_, e) in enumerate(expressions)]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "dashboard_expressions.yml"
        # JSON is YAML: no quoting of the expressions to get wrong.
        path.write_text(json.dumps({"groups": [{"name": "deploy-check", "rules": rules}]}), encoding="utf-8")
        run = subprocess.run([promtool, "check", "rules", str(path)], capture_output=True, text=True)
    if run.returncode == 0:
        return
    output = run.stdout + run.stderr
    reported = False
    for line in output.splitlines():
        match = re.search(r'"deploy_check:expression_(\d+)": (.*)', line)
        if match:
            where, expression = expressions[int(match.group(1))]
            problems.append(f"{where}: {match.group(2)}: {expression}")
            reported = True
    if not reported:
        problems.append(f"promtool check rules failed: {output.strip()}")


def check(deploy_dir, operations_md, promtool="promtool"):
    """Every problem of deploy_dir's alerts and dashboards, and a summary of what was read."""
    problems = []
    names = check_alerts(deploy_dir / "prometheus", operations_md, problems)
    check_alert_tests(deploy_dir / "prometheus", names, problems)
    expressions, dashboards = check_dashboards(deploy_dir / "grafana", problems)
    check_expressions(expressions, promtool, problems)
    check_recorded_names(expressions, recorded_names(deploy_dir / "prometheus", problems), problems)
    summary = f"{len(names)} alerts, {dashboards} dashboards, {len(expressions)} dashboard expressions"
    return problems, summary


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deploy", required=True, type=Path, help="the deploy/ directory")
    parser.add_argument("--operations", required=True, type=Path, help="docs/operations.md")
    parser.add_argument("--promtool", default="promtool", help="promtool's path")
    args = parser.parse_args()
    problems, summary = check(args.deploy, args.operations, args.promtool)
    for problem in problems:
        print(problem)
    if problems:
        print(f"deploy_check: {len(problems)} problem(s) in {summary}", file=sys.stderr)
        return 1
    print(f"deploy_check: {summary}: no problem")
    return 0


if __name__ == "__main__":
    sys.exit(main())
