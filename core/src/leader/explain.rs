//! EXPLAIN's physical plan with Redshift's data-movement labels on joins and aggregations:
//!
//! - joins whose inputs are both already distributed on the join keys: `DS_DIST_NONE`;
//!   the build (inner) side redistributed: `DS_DIST_INNER`; the probe (outer) side:
//!   `DS_DIST_OUTER`; both: `DS_DIST_BOTH`;
//! - a join that collects its build side whole: from a `DISTSTYLE ALL` table that every node
//!   has, `DS_DIST_ALL_NONE`; otherwise the build rows go to every slice, `DS_BCAST_INNER`
//!   (both sides sent to the leader: `DS_DIST_BOTH`);
//! - aggregations: `AGG_ON_SLICES` (partial, where the rows are), `AGG_DIST_BY_KEY` (final, after
//!   redistributing by group key), `AGG_ON_LEADER` (final, over every slice's partial result).

use crate::compute::first_task::FirstTaskExec;
use crate::compute::scan::SliceScanExec;
use datafusion::physical_expr::Partitioning;
use datafusion::physical_plan::aggregates::{AggregateExec, AggregateMode};
use datafusion::physical_plan::coalesce_partitions::CoalescePartitionsExec;
use datafusion::physical_plan::joins::{
    CrossJoinExec, HashJoinExec, NestedLoopJoinExec, PartitionMode, SortMergeJoinExec,
};
use datafusion::physical_plan::repartition::RepartitionExec;
use datafusion::physical_plan::sorts::sort_preserving_merge::SortPreservingMergeExec;
use datafusion::physical_plan::{displayable, ExecutionPlan};
use datafusion_distributed::{
    BroadcastExec, DistributedLeafExec, NetworkBroadcastExec, NetworkCoalesceExec, NetworkShuffleExec,
};
use std::fmt::Write;
use std::sync::Arc;

/// How an input's rows reach the step that reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Arrival {
    /// Where they were: on their slices.
    InPlace,
    /// Redistributed by hash of a key.
    Redistributed,
    /// Sent whole to every slice.
    Broadcast,
    /// Sent to the leader.
    Gathered,
    /// Read from the copy of a `DISTSTYLE ALL` table each node has.
    AllCopy,
}

/// Follows an input down through steps that keep rows where they are.
fn arrival(plan: &Arc<dyn ExecutionPlan>) -> Arrival {
    if plan.is::<NetworkShuffleExec>() {
        return Arrival::Redistributed;
    }
    if let Some(repartition) = plan.downcast_ref::<RepartitionExec>() {
        if matches!(repartition.partitioning(), Partitioning::Hash(..)) {
            return Arrival::Redistributed;
        }
    }
    if plan.is::<NetworkBroadcastExec>() || plan.is::<BroadcastExec>() {
        return Arrival::Broadcast;
    }
    if plan.is::<NetworkCoalesceExec>() {
        return Arrival::Gathered;
    }
    if let Some(leaf) = plan.downcast_ref::<DistributedLeafExec>() {
        return arrival(leaf.original());
    }
    if plan.downcast_ref::<SliceScanExec>().is_some_and(|scan| scan.spec().replicated) {
        return Arrival::AllCopy;
    }
    let children = plan.children();
    let passes_through = children.len() == 1
        && !plan.is::<SortPreservingMergeExec>()
        && !plan.is::<FirstTaskExec>()
        && plan.downcast_ref::<AggregateExec>().is_none();
    match passes_through {
        true => arrival(children[0]),
        false => Arrival::InPlace,
    }
}

/// The label of a join or aggregation step.
fn label(plan: &Arc<dyn ExecutionPlan>) -> Option<&'static str> {
    let children = plan.children();
    let partitioned_join = plan
        .downcast_ref::<HashJoinExec>()
        .map(|join| join.partition_mode() == &PartitionMode::Partitioned)
        .or_else(|| plan.is::<SortMergeJoinExec>().then_some(true));
    let collect_join = partitioned_join == Some(false) || plan.is::<NestedLoopJoinExec>() || plan.is::<CrossJoinExec>();
    if partitioned_join == Some(true) {
        let inner = arrival(children[0]) == Arrival::Redistributed;
        let outer = arrival(children[1]) == Arrival::Redistributed;
        return Some(match (inner, outer) {
            (false, false) => "DS_DIST_NONE",
            (true, false) => "DS_DIST_INNER",
            (false, true) => "DS_DIST_OUTER",
            (true, true) => "DS_DIST_BOTH",
        });
    }
    if collect_join {
        return Some(match (arrival(children[0]), arrival(children[1])) {
            (Arrival::AllCopy, _) => "DS_DIST_ALL_NONE",
            (Arrival::Gathered, Arrival::Gathered) => "DS_DIST_BOTH",
            _ => "DS_BCAST_INNER",
        });
    }
    let aggregate = plan.downcast_ref::<AggregateExec>()?;
    Some(match aggregate.mode() {
        AggregateMode::Partial => "AGG_ON_SLICES",
        AggregateMode::FinalPartitioned | AggregateMode::SinglePartitioned => "AGG_DIST_BY_KEY",
        _ => match children.first().map(|c| c.is::<CoalescePartitionsExec>() || arrival(c) == Arrival::Gathered) {
            Some(true) => "AGG_ON_LEADER",
            _ => "AGG_ON_SLICES",
        },
    })
}

/// The plan as EXPLAIN shows it (one step per line, inputs indented), with labels after the
/// step names that have one.
pub fn render(plan: &Arc<dyn ExecutionPlan>) -> String {
    let mut out = String::new();
    render_into(plan, 0, &mut out);
    out
}

fn render_into(plan: &Arc<dyn ExecutionPlan>, depth: usize, out: &mut String) {
    let line = displayable(plan.as_ref()).one_line().to_string();
    let line = line.trim_end();
    let line = match label(plan) {
        Some(label) => match line.split_once(':') {
            Some((name, rest)) => format!("{name} {label}:{rest}"),
            None => format!("{line} {label}"),
        },
        None => line.to_string(),
    };
    let _ = writeln!(out, "{:indent$}{line}", "", indent = depth * 2);
    for child in plan.children() {
        render_into(child, depth + 1, out);
    }
}
