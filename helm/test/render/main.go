// render: a Helm chart's templates rendered as `helm template` renders them, for the chart's tests
// (Debian packages no helm, but Go's text/template and the sprig functions helm adds). It loads
// CHART/values.yaml, merges each -f file onto it as helm does (maps key by key, null removes a
// key), and prints every template of CHART/templates (not the _*.tpl partials, not NOTES.txt
// unless -notes) as YAML documents headed "# Source: NAME"; a template's failure (required, a
// bad call) is one line on standard error and exit status 1.
//
//	render -chart=helm/himaya [-f=overlay.yaml ...] [-notes] [-release=himaya] [-namespace=himaya]
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"gopkg.in/yaml.v3"
)

type overlays []string

func (o *overlays) String() string     { return strings.Join(*o, ",") }
func (o *overlays) Set(v string) error { *o = append(*o, v); return nil }

// Files is the chart's .Files: every file of the chart, by its path in the chart.
type Files map[string][]byte

func (f Files) Get(name string) string { return string(f[name]) }

func (f Files) Glob(pattern string) Files {
	found := Files{}
	for name, data := range f {
		if ok, _ := path.Match(pattern, name); ok {
			found[name] = data
		}
	}
	return found
}

func readYAML(file string) (map[string]interface{}, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	values := map[string]interface{}{}
	if err := yaml.Unmarshal(data, &values); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	return values, nil
}

func merge(into, from map[string]interface{}) {
	for key, value := range from {
		if value == nil {
			delete(into, key)
			continue
		}
		sub, isMap := value.(map[string]interface{})
		existing, wasMap := into[key].(map[string]interface{})
		if isMap && wasMap {
			merge(existing, sub)
		} else {
			into[key] = value
		}
	}
}

func toYAML(v interface{}) string {
	var out bytes.Buffer
	encoder := yaml.NewEncoder(&out)
	encoder.SetIndent(2)
	if err := encoder.Encode(v); err != nil {
		return ""
	}
	return strings.TrimSuffix(out.String(), "\n")
}

func fromYAML(s string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := yaml.Unmarshal([]byte(s), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func main() {
	chart := flag.String("chart", "", "the chart's directory")
	release := flag.String("release", "himaya", "the release's name")
	namespace := flag.String("namespace", "himaya", "the release's namespace")
	notes := flag.Bool("notes", false, "render NOTES.txt too")
	var files overlays
	flag.Var(&files, "f", "a values file merged onto values.yaml (repeatable)")
	flag.Parse()
	if err := run(*chart, *release, *namespace, *notes, files); err != nil {
		fmt.Fprintf(os.Stderr, "render: %v\n", strings.ReplaceAll(err.Error(), "\n", " "))
		os.Exit(1)
	}
}

func run(chart, release, namespace string, notes bool, files overlays) error {
	if chart == "" {
		return fmt.Errorf("-chart is required")
	}
	meta, err := readYAML(filepath.Join(chart, "Chart.yaml"))
	if err != nil {
		return err
	}
	values, err := readYAML(filepath.Join(chart, "values.yaml"))
	if err != nil {
		return err
	}
	for _, file := range files {
		extra, err := readYAML(file)
		if err != nil {
			return err
		}
		merge(values, extra)
	}
	chartFiles := Files{}
	err = filepath.Walk(chart, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(chart, p)
		chartFiles[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		return err
	}
	data := map[string]interface{}{
		"Values": values,
		"Release": map[string]interface{}{"Name": release, "Namespace": namespace, "Service": "Helm",
			"IsInstall": true, "IsUpgrade": false, "Revision": 1},
		"Chart": map[string]interface{}{"Name": meta["name"], "Version": meta["version"],
			"AppVersion": meta["appVersion"]},
		"Files":        chartFiles,
		"Capabilities": map[string]interface{}{"KubeVersion": map[string]interface{}{"Version": "v1.29.0"}},
	}

	// The functions helm gives templates: sprig's (without the environment), and its own.
	funcs := sprig.TxtFuncMap()
	delete(funcs, "env")
	delete(funcs, "expandenv")
	root := template.New("chart")
	funcs["toYaml"] = toYAML
	funcs["fromYaml"] = fromYAML
	funcs["include"] = func(name string, data interface{}) (string, error) {
		var out bytes.Buffer
		err := root.ExecuteTemplate(&out, name, data)
		return out.String(), err
	}
	funcs["required"] = func(message string, value interface{}) (interface{}, error) {
		if value == nil || value == "" {
			return nil, fmt.Errorf("%s", message)
		}
		return value, nil
	}
	funcs["lookup"] = func(...interface{}) map[string]interface{} { return map[string]interface{}{} }
	root.Funcs(funcs).Option("missingkey=zero")

	var names []string
	for name, content := range chartFiles {
		if !strings.HasPrefix(name, "templates/") {
			continue
		}
		if _, err := root.New(name).Parse(string(content)); err != nil {
			return err
		}
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		base := path.Base(name)
		if strings.HasPrefix(base, "_") || (base == "NOTES.txt" && !notes) {
			continue
		}
		var out bytes.Buffer
		if err := root.ExecuteTemplate(&out, name, data); err != nil {
			return err
		}
		text := strings.ReplaceAll(out.String(), "<no value>", "")
		if strings.TrimSpace(text) == "" {
			continue
		}
		fmt.Printf("---\n# Source: %s\n%s\n", name, text)
	}
	return nil
}
