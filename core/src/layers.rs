//! The layers of `core`, lowest first. A module may import modules of its own layer or below,
//! never above: the test here reads every source file and fails on an upward `crate::` path (the
//! crate graph would enforce the same if each layer were a crate of its own).
//!
//! `catalog` and `storage` share a layer: a catalog snapshot holds its tables' segments as live
//! file handles ([`crate::storage::SegmentRef`]), whose last drop removes an obsolete file, while
//! storage lays segments out by the tables' definitions. Test modules (`#[cfg(test)] mod …`) may
//! reach any layer: they check a layer by driving it from above.

/// Each layer's top-level modules (`err` is the error macro, exported at the crate root).
pub const LAYERS: &[&[&str]] = &[
    &["error", "err", "types", "runtime", "sync"],
    &["net"],
    &["catalog", "storage"],
    &["sql"],
    &["load"],
    &["compute"],
    &["leader"],
    &["endpoint"],
    &["client"],
    &["layers"],
];

#[cfg(test)]
mod tests {
    use super::LAYERS;
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    fn layer_of(module: &str) -> Option<usize> {
        LAYERS.iter().position(|layer| layer.contains(&module))
    }

    /// The modules the crate root's `pub use` re-exports come from (`crate::Database` is `leader`'s).
    fn root_reexports(lib: &str) -> BTreeMap<String, String> {
        let mut names = BTreeMap::new();
        for line in lib.lines().filter_map(|l| l.trim().strip_prefix("pub use ")) {
            let Some((module, rest)) = line.split_once("::") else { continue };
            let items = rest.rsplit("::").next().unwrap_or(rest);
            for item in items.trim_end_matches(';').trim_matches(|c| c == '{' || c == '}').split(',') {
                names.insert(item.trim().to_string(), module.to_string());
            }
        }
        names
    }

    fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// The lines of shipped code: `#[cfg(test)] mod …` blocks (to their closing brace at the same
    /// indentation) are left out.
    fn shipped_lines(text: &str) -> Vec<(usize, &str)> {
        let lines: Vec<&str> = text.lines().collect();
        let mut kept = vec![];
        let mut i = 0;
        while i < lines.len() {
            let line = lines[i];
            let indent = line.len() - line.trim_start().len();
            let next_is_mod = lines.get(i + 1).is_some_and(|n| n.trim_start().starts_with("mod "));
            if line.trim() == "#[cfg(test)]" && next_is_mod {
                let close = format!("{}}}", &line[..indent]);
                i += lines[i..].iter().position(|l| *l == close).map_or(lines.len(), |end| end + 1);
                continue;
            }
            kept.push((i + 1, line));
            i += 1;
        }
        kept
    }

    /// Every `crate::name` and `crate::{a, b::c}` a line names.
    fn crate_paths(line: &str) -> Vec<String> {
        let mut names = vec![];
        for (at, _) in line.match_indices("crate::") {
            if line[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                continue; // `redwood_crate::`, not ours
            }
            let rest = &line[at + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let group = group.split('}').next().unwrap_or(group);
                names.extend(group.split(',').map(|item| item.trim().split("::").next().unwrap_or("").to_string()));
            } else {
                names.push(rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect());
            }
        }
        names.retain(|n| !n.is_empty());
        names
    }

    fn upward_imports(root: &Path) -> Vec<String> {
        let lib = std::fs::read_to_string(root.join("lib.rs")).unwrap();
        let reexports = root_reexports(&lib);
        let mut files = vec![];
        sources(root, &mut files);
        files.sort();
        let mut found = vec![];
        for file in files {
            let relative = file.strip_prefix(root).unwrap();
            let top = relative.components().next().unwrap().as_os_str().to_string_lossy();
            let module = top.trim_end_matches(".rs");
            if module == "lib" {
                continue;
            }
            let own = layer_of(module).unwrap_or_else(|| panic!("core/src/{top} is in no layer of layers::LAYERS"));
            let text = std::fs::read_to_string(&file).unwrap();
            for (number, line) in shipped_lines(&text) {
                if line.trim_start().starts_with("//") {
                    continue; // docs may name any layer
                }
                for name in crate_paths(line) {
                    let target = reexports.get(&name).map_or(name.as_str(), String::as_str);
                    if let Some(layer) = layer_of(target).filter(|layer| *layer > own) {
                        found.push(format!(
                            "core/src/{}:{number}: {module} (layer {own}) names crate::{name}, of {target} (layer {layer})",
                            relative.display()
                        ));
                    }
                }
            }
        }
        found
    }

    #[test]
    fn no_module_imports_a_higher_layer() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let found = upward_imports(&root);
        assert!(found.is_empty(), "imports of a higher layer (see core/src/layers.rs):\n{}", found.join("\n"));
    }

    #[test]
    fn the_check_sees_upward_imports() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("lib.rs"), "pub use leader::database::{Config, Database};\n").unwrap();
        std::fs::create_dir(dir.path().join("sql")).unwrap();
        let source = "use crate::{err, leader::session};\nfn f() -> crate::Database { todo!() }\n\
                      #[cfg(test)]\nmod tests {\n    use crate::client;\n}\n";
        std::fs::write(dir.path().join("sql/parser.rs"), source).unwrap();
        let found = upward_imports(dir.path());
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].contains("sql/parser.rs:1: sql (layer 3) names crate::leader"), "{found:#?}");
        assert!(found[1].contains("crate::Database, of leader"), "{found:#?}");
    }
}
