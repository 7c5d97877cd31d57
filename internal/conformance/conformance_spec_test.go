package conformance

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// minRows is the floor of normative rows the matrix must keep: fewer means rows were lost.
const minRows = 80

// statuses are the only words allowed in the Status column.
var statuses = map[string]bool{"met": true, "partial": true, "not applicable": true, "not met": true}

// row is one requirement of the matrix.
type row struct {
	line   int
	id     string
	clause string
	status string
	why    string
	tests  []testRef
}

// testRef is one cited test: `TestName` (package/path).
type testRef struct {
	name, pkg string
}

var (
	idRe   = regexp.MustCompile(`^R\d{3}$`)
	testRe = regexp.MustCompile("`(Test[A-Za-z0-9_]*)` \\(([^()\\s]+)\\)")
	funcRe = regexp.MustCompile(`(?m)^func (Test[A-Za-z0-9_]*)\(`)
)

// parseMatrix reads the rows of the matrix: table lines whose first cell is an ID R000.
// Columns: ID | Clause | Requirement | How umli meets it | Tests | Status | Why.
func parseMatrix(text string) ([]row, []error) {
	var rows []row
	var errs []error
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "|") {
			continue
		}
		cells := splitCells(line)
		if len(cells) == 0 || !idRe.MatchString(cells[0]) {
			continue
		}
		if len(cells) != 7 {
			errs = append(errs, fmt.Errorf("line %d (%s): %d cells, want 7 (ID | Clause | Requirement | How | Tests | Status | Why)", n, cells[0], len(cells)))
			continue
		}
		r := row{line: n, id: cells[0], clause: cells[1], status: cells[5], why: cells[6]}
		testsCell := cells[4]
		for _, m := range testRe.FindAllStringSubmatch(testsCell, -1) {
			r.tests = append(r.tests, testRef{name: m[1], pkg: m[2]})
		}
		if rest := strings.TrimSpace(testRe.ReplaceAllString(testsCell, "")); strings.Trim(rest, ";, —-") != "" {
			errs = append(errs, fmt.Errorf("line %d (%s): tests cell has text that is not `TestName` (pkg/path): %q", n, r.id, rest))
		}
		rows = append(rows, r)
	}
	return rows, errs
}

// splitCells splits a Markdown table line; "\|" inside a cell is not a separator.
func splitCells(line string) []string {
	line = strings.TrimPrefix(strings.TrimSuffix(line, "|"), "|")
	var cells []string
	var cur strings.Builder
	for i := 0; i < len(line); i++ {
		if line[i] == '\\' && i+1 < len(line) && line[i+1] == '|' {
			cur.WriteByte('|')
			i++
			continue
		}
		if line[i] == '|' {
			cells = append(cells, strings.TrimSpace(cur.String()))
			cur.Reset()
			continue
		}
		cur.WriteByte(line[i])
	}
	return append(cells, strings.TrimSpace(cur.String()))
}

// checkMatrix applies the rules; tests maps a test name to the package dirs defining it.
func checkMatrix(rows []row, tests map[string]map[string]bool) []error {
	var errs []error
	if len(rows) < minRows {
		errs = append(errs, fmt.Errorf("%d normative rows, want at least %d", len(rows), minRows))
	}
	seen := map[string]int{}
	for _, r := range rows {
		if prev, ok := seen[r.id]; ok {
			errs = append(errs, fmt.Errorf("line %d: id %s already used on line %d", r.line, r.id, prev))
		}
		seen[r.id] = r.line
		if !statuses[r.status] {
			errs = append(errs, fmt.Errorf("line %d (%s): status %q is not one of met, partial, not applicable, not met", r.line, r.id, r.status))
		}
		if r.clause == "" {
			errs = append(errs, fmt.Errorf("line %d (%s): no clause/table", r.line, r.id))
		}
		if r.status == "met" && len(r.tests) == 0 {
			errs = append(errs, fmt.Errorf("line %d (%s): met without a test", r.line, r.id))
		}
		if r.status != "met" && strings.Trim(r.why, " —-") == "" {
			errs = append(errs, fmt.Errorf("line %d (%s): status %q without a why", r.line, r.id, r.status))
		}
		for _, tr := range r.tests {
			dirs, ok := tests[tr.name]
			switch {
			case !ok:
				errs = append(errs, fmt.Errorf("line %d (%s): %s does not exist in the module", r.line, r.id, tr.name))
			case !dirs[tr.pkg]:
				errs = append(errs, fmt.Errorf("line %d (%s): %s is not in package %s (it is in %s)", r.line, r.id, tr.name, tr.pkg, strings.Join(sortedKeys(dirs), ", ")))
			}
		}
	}
	return errs
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// moduleRoot walks up from the package directory to the directory holding go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the package directory")
		}
		dir = parent
	}
}

// testFuncs finds every `func TestX(` in *_test.go files under root, by package dir.
func testFuncs(root string) (map[string]map[string]bool, error) {
	out := map[string]map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(d.Name(), "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		for _, m := range funcRe.FindAllSubmatch(b, -1) {
			name := string(m[1])
			if out[name] == nil {
				out[name] = map[string]bool{}
			}
			out[name][rel] = true
		}
		return nil
	})
	return out, err
}

// TestConformanceMatrix keeps CONFORMANCE.md honest against the code as it is.
func TestConformanceMatrix(t *testing.T) {
	root := moduleRoot(t)
	b, err := os.ReadFile(filepath.Join(root, "CONFORMANCE.md"))
	if err != nil {
		t.Fatal(err)
	}
	rows, errs := parseMatrix(string(b))
	tests, err := testFuncs(root)
	if err != nil {
		t.Fatal(err)
	}
	errs = append(errs, checkMatrix(rows, tests)...)
	for _, e := range errs {
		t.Error(e)
	}
	count := map[string]int{}
	for _, r := range rows {
		count[r.status]++
	}
	t.Logf("%d rows: %d met, %d partial, %d not met, %d not applicable", len(rows), count["met"], count["partial"], count["not met"], count["not applicable"])
}

// TestConformanceMatrixRejects: the checker itself catches each kind of dishonest row.
func TestConformanceMatrixRejects(t *testing.T) {
	tests := map[string]map[string]bool{"TestReal": {"mediation": true}}
	good := "| R001 | 8.1 | CIN per sequence | mediation | `TestReal` (mediation) | met | |\n"
	many := ""
	for i := 0; i < minRows; i++ {
		many += fmt.Sprintf("| R%03d | 8.1 | x | y | `TestReal` (mediation) | met | |\n", i+1)
	}
	cases := []struct {
		name, text, want string
	}{
		{"too few rows", good, "normative rows, want at least"},
		{"unknown test", many + "| R900 | 8.1 | x | y | `TestGhost` (mediation) | met | |\n", "TestGhost does not exist"},
		{"wrong package", many + "| R900 | 8.1 | x | y | `TestReal` (email) | met | |\n", "is not in package email"},
		{"met without test", many + "| R900 | 8.1 | x | y | — | met | |\n", "met without a test"},
		{"bad status", many + "| R900 | 8.1 | x | y | — | mostly | because |\n", "is not one of"},
		{"not met without why", many + "| R900 | 8.1 | x | y | — | not met | |\n", "without a why"},
		{"duplicate id", many + "| R001 | 8.1 | x | y | `TestReal` (mediation) | met | |\n", "already used"},
		{"stray text in tests", many + "| R900 | 8.1 | x | y | TestReal | met | |\n", "is not `TestName`"},
		{"wrong cell count", many + "| R900 | 8.1 | x | `TestReal` (mediation) | met |\n", "cells, want 7"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows, errs := parseMatrix(c.text)
			errs = append(errs, checkMatrix(rows, tests)...)
			if len(errs) == 0 || !strings.Contains(errors.Join(errs...).Error(), c.want) {
				t.Fatalf("errors %v, want one containing %q", errs, c.want)
			}
		})
	}
	rows, errs := parseMatrix(many)
	if errs = append(errs, checkMatrix(rows, tests)...); len(errs) != 0 {
		t.Fatalf("a clean matrix is refused: %v", errs)
	}
	if cells := splitCells(`| R001 | a \| b | c |`); len(cells) != 3 || cells[1] != "a | b" {
		t.Fatalf("escaped pipe: %q", cells)
	}
}
