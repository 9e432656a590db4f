//! VACUUM and ANALYZE.

use crate::catalog::{RelId, Relation};
use crate::compute::scan::read_rows;
use crate::err;
use crate::error::Result;
use crate::leader::provider::RedwoodTable;
use crate::leader::session::{Outcome, Session};
use crate::sql::ddl::qualified_name;
use crate::storage::SegmentRef;
use datafusion::sql::sqlparser::ast::{Analyze, VacuumStatement};
use std::collections::BTreeMap;
use std::sync::Arc;

impl Session {
    /// VACUUM [FULL | SORT ONLY | DELETE ONLY | REINDEX] [table]: on every slice that has more than
    /// one segment or deleted rows, merges its segments into freshly sorted ones without the
    /// deleted rows. Like Redshift, it cannot run inside a transaction block.
    pub(crate) async fn vacuum(&mut self, vacuum: &VacuumStatement) -> Result<Outcome> {
        if self.in_transaction_block() {
            return Err(err!(ACTIVE_SQL_TRANSACTION, "VACUUM cannot run inside a transaction block"));
        }
        let state = Arc::clone(self.txn().state());
        let targets: Vec<RelId> = match &vacuum.table_name {
            Some(name) => vec![state.require_table(&qualified_name(name)?)?.0.id],
            None => state.relations.values().filter(|r| r.table().is_some()).map(|r| r.id).collect(),
        };
        for id in targets {
            let rel = Arc::clone(state.relation(id).expect("listed"));
            self.vacuum_table(&rel)?;
        }
        Ok(Outcome::command("VACUUM"))
    }

    fn vacuum_table(&mut self, rel: &Arc<Relation>) -> Result<()> {
        let table = rel.table().expect("a table");
        let mut by_slice: BTreeMap<u32, Vec<SegmentRef>> = BTreeMap::new();
        for s in &table.segments {
            by_slice.entry(s.slice).or_default().push(s.clone());
        }
        by_slice.retain(|_, segments| segments.len() > 1 || segments.iter().any(|s| s.deleted.is_some()));
        if by_slice.is_empty() {
            return Ok(());
        }
        let spec = RedwoodTable::new(Arc::clone(rel), self.db.layout(), false)?.spec();
        let mut rows = BTreeMap::new();
        for (slice, segments) in &by_slice {
            rows.insert(*slice, read_rows(Arc::clone(&spec), segments)?);
        }
        rows.retain(|_, batches: &mut Vec<_>| batches.iter().any(|b| b.num_rows() > 0));
        let rewritten = self.write_segments(rel.id, table, rows)?;
        let mut rel = (**rel).clone();
        let table = rel.table_mut().expect("a table");
        table.segments.retain(|s| !by_slice.contains_key(&s.slice));
        table.segments.extend(rewritten);
        self.txn().put_relation(rel);
        Ok(())
    }

    /// ANALYZE [table]: reads every segment's footer, which checks that the table's data files are
    /// intact (a damaged one is reported naming the table), and warms the footer cache the planner's
    /// zone-map pruning uses. Row counts are kept exact by every commit, so there is nothing to
    /// estimate.
    pub(crate) fn analyze(&mut self, analyze: &Analyze) -> Result<Outcome> {
        let state = Arc::clone(self.txn().state());
        let targets: Vec<Arc<Relation>> = match &analyze.table_name {
            Some(name) => vec![Arc::clone(state.require_table(&qualified_name(name)?)?.0)],
            None => state.relations.values().filter(|r| r.table().is_some()).cloned().collect(),
        };
        for rel in targets {
            for segment in &rel.table().expect("a table").segments {
                let storage = segment.file.storage();
                let check = storage.open(&segment.file).and_then(|reader| storage.footer(&segment.file, &reader));
                if let Err(e) = check {
                    return Err(err!(
                        DATA_CORRUPTED,
                        "table \"{}\" has a damaged segment ({}): {}",
                        rel.name,
                        storage.describe(&segment.file),
                        e.message
                    ));
                }
            }
        }
        Ok(Outcome::command("ANALYZE"))
    }
}
