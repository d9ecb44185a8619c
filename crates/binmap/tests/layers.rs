//! The crate's modules form layers: no import circle between its top-level
//! modules (`layout` → `map` → `select` → `sink`, never back). Issue 11
//! broke a circle of six (`layout` ⇄ `pystruct` ⇄ `sink` ⇄ `map` ⇄
//! `decode` ⇄ `select`); this test keeps it broken by reading the sources:
//! every `crate::NAME` outside comments is an edge from the file's
//! top-level module to `NAME`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Top-level module of a source file (`map/leaf.rs` → `map`).
fn module_of(rel: &Path) -> String {
    let first = rel.components().next().unwrap().as_os_str().to_string_lossy().to_string();
    first.trim_end_matches(".rs").to_string()
}

/// The `crate::NAME` references of one file's code (comments skipped).
fn references(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + "crate::".len()..];
            let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

fn collect(dir: &Path, root: &Path, graph: &mut BTreeMap<String, BTreeSet<String>>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, root, graph);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path.strip_prefix(root).unwrap();
            let from = module_of(rel);
            let text = std::fs::read_to_string(&path).unwrap();
            let edges = graph.entry(from.clone()).or_default();
            edges.extend(references(&text).into_iter().filter(|to| *to != from));
        }
    }
}

/// A cycle through `start`, if any (depth-first search).
fn cycle_from(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    fn go(
        g: &BTreeMap<String, BTreeSet<String>>,
        node: &str,
        start: &str,
        path: &mut Vec<String>,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        for next in g.get(node).into_iter().flatten() {
            if next == start {
                return true;
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if go(g, next, start, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![start.to_string()];
    go(graph, start, start, &mut path, &mut BTreeSet::new()).then_some(path)
}

#[test]
fn top_level_modules_have_no_import_circle() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph = BTreeMap::new();
    collect(&root, &root, &mut graph);
    graph.remove("lib");
    assert!(
        graph.len() > 10 && graph.contains_key("map") && graph["sink"].contains("map"),
        "the scan found the crate's modules: {graph:?}"
    );
    for module in graph.keys() {
        if let Some(cycle) = cycle_from(&graph, module) {
            panic!("import circle: {} -> {module}", cycle.join(" -> "));
        }
    }
}

#[test]
fn the_scan_sees_a_circle_when_there_is_one() {
    let mut g = BTreeMap::new();
    g.insert("a".to_string(), references("use crate::b::X; // crate::c"));
    g.insert("b".to_string(), references("fn f() { crate::a::g() }"));
    assert_eq!(cycle_from(&g, "a"), Some(vec!["a".to_string(), "b".to_string()]));
    assert!(!g["a"].contains("c"), "comments are not edges");
}
