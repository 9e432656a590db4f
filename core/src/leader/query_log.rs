//! The queries the leader ran, for `STL_QUERY` and `SVL_QUERY_SUMMARY`: kept in memory (the
//! most recent [`CAPACITY`]), each with the rows, bytes and time of every step of its plan,
//! on the compute nodes too (their metrics reach the leader when their tasks end).

use datafusion::physical_plan::ExecutionPlan;
use datafusion_distributed::{rewrite_distributed_plan_with_metrics, DistributedMetricsFormat};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// Queries kept; Redshift keeps its STL tables for days, a bounded log is enough here.
pub const CAPACITY: usize = 10_000;
/// How long a finished distributed query's steps wait for the compute nodes' metrics.
const METRICS_WAIT: Duration = Duration::from_secs(5);

#[derive(Debug)]
pub struct QueryLog {
    next_id: AtomicI32,
    entries: Mutex<VecDeque<Arc<LoggedQuery>>>,
}

impl Default for QueryLog {
    fn default() -> Self {
        QueryLog { next_id: AtomicI32::new(1), entries: Mutex::default() }
    }
}

impl QueryLog {
    /// Records a query as it starts.
    pub fn start(&self, user_id: i32, pid: i32, xid: i64, text: &str) -> Arc<LoggedQuery> {
        let query = Arc::new(LoggedQuery {
            query: self.next_id.fetch_add(1, Ordering::Relaxed),
            user_id,
            pid,
            xid,
            text: text.chars().take(4000).collect(),
            start: SystemTime::now(),
            outcome: Mutex::new(None),
            steps: Mutex::new(None),
        });
        let mut entries = crate::sync::lock(&self.entries);
        if entries.len() == CAPACITY {
            entries.pop_front();
        }
        entries.push_back(Arc::clone(&query));
        query
    }

    pub fn entries(&self) -> Vec<Arc<LoggedQuery>> {
        crate::sync::lock(&self.entries).iter().cloned().collect()
    }

    /// The entries, once the steps of every finished query are in (waiting a little for those
    /// whose compute nodes' metrics are still on their way).
    pub async fn settled_entries(&self) -> Vec<Arc<LoggedQuery>> {
        let entries = self.entries();
        let deadline = tokio::time::Instant::now() + METRICS_WAIT;
        while entries.iter().any(|q| q.outcome().is_some() && crate::sync::lock(&q.steps).is_none())
            && tokio::time::Instant::now() < deadline
        {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        entries
    }
}

#[derive(Debug)]
pub struct LoggedQuery {
    pub query: i32,
    pub user_id: i32,
    pub pid: i32,
    pub xid: i64,
    /// The statement, up to 4000 characters as Redshift keeps it.
    pub text: String,
    pub start: SystemTime,
    outcome: Mutex<Option<Outcome>>,
    /// Set once the steps' metrics are gathered (empty when the query did not run to its end).
    steps: Mutex<Option<Vec<Step>>>,
}

#[derive(Debug, Clone, Copy)]
pub struct Outcome {
    pub end: SystemTime,
    pub aborted: bool,
}

/// One step of a query plan, as `SVL_QUERY_SUMMARY` shows it.
#[derive(Debug, Clone)]
pub struct Step {
    /// The plan stage the step ran in: 0 on the leader, else a stage on the compute nodes.
    pub segment: i32,
    /// Position in its stage, from the first step to read rows.
    pub step: i32,
    pub label: String,
    pub rows: i64,
    pub bytes: i64,
    /// Time the step computed, over all its partitions (microseconds).
    pub time_us: i64,
}

impl LoggedQuery {
    pub fn outcome(&self) -> Option<Outcome> {
        *crate::sync::lock(&self.outcome)
    }

    pub fn steps(&self) -> Vec<Step> {
        crate::sync::lock(&self.steps).clone().unwrap_or_default()
    }

    /// Records the end of a query; only the first call counts.
    pub fn finish(&self, aborted: bool) {
        let mut outcome = crate::sync::lock(&self.outcome);
        if outcome.is_some() {
            return;
        }
        *outcome = Some(Outcome { end: SystemTime::now(), aborted });
        // A query that did not run to its end has no steps to gather.
        if aborted {
            *crate::sync::lock(&self.steps) = Some(vec![]);
        }
    }

    /// Gathers the steps of the plan that ran to its end, in the background: a distributed
    /// plan's metrics arrive from the compute nodes after the last rows.
    pub fn gather_steps(self: &Arc<Self>, plan: Arc<dyn ExecutionPlan>) {
        let query = Arc::clone(self);
        let gathered = async move {
            let rewritten = tokio::time::timeout(
                METRICS_WAIT,
                rewrite_distributed_plan_with_metrics(plan, DistributedMetricsFormat::Aggregated),
            )
            .await;
            let steps = match rewritten {
                Ok(Ok(plan)) => steps_of(&plan),
                Ok(Err(e)) => {
                    tracing::warn!("query {}: no step metrics: {e}", query.query);
                    vec![]
                }
                Err(_) => {
                    tracing::warn!("query {}: the compute nodes' step metrics did not arrive", query.query);
                    vec![]
                }
            };
            *crate::sync::lock(&query.steps) = Some(steps);
        };
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => drop(runtime.spawn(gathered)),
            Err(_) => *crate::sync::lock(&self.steps) = Some(vec![]),
        }
    }
}

/// The steps of an executed plan, stage by stage, each stage's from its leaves up.
fn steps_of(plan: &Arc<dyn ExecutionPlan>) -> Vec<Step> {
    let mut steps = vec![];
    collect(plan, 0, &mut 0, &mut steps);
    let mut numbered: Vec<Step> = vec![];
    for mut step in steps {
        step.step = numbered.iter().filter(|s| s.segment == step.segment).count() as i32;
        numbered.push(step);
    }
    numbered
}

/// Below a network boundary (which metrics collection wraps, so it is known by name) the
/// steps belong to another stage.
fn collect(plan: &Arc<dyn ExecutionPlan>, segment: i32, last_segment: &mut i32, out: &mut Vec<Step>) {
    let network = plan.name().starts_with("Network");
    let child_segment = match network {
        true => {
            *last_segment += 1;
            *last_segment
        }
        false => segment,
    };
    for child in plan.children() {
        // A repartition under a network shuffle is the sending half of the same `dist` step.
        if network && child.name() == "RepartitionExec" {
            for grandchild in child.children() {
                collect(grandchild, child_segment, last_segment, out);
            }
        } else {
            collect(child, child_segment, last_segment, out);
        }
    }
    let Some(label) = step_label(plan) else { return };
    let metrics = plan.metrics().unwrap_or_default();
    out.push(Step {
        segment,
        step: 0,
        label,
        rows: metrics.output_rows().unwrap_or(0) as i64,
        // Only network steps count bytes: those they moved between nodes.
        // (datafusion-distributed's counter is a custom metric, which `sum_by_name` leaves out.)
        bytes: metrics
            .iter()
            .filter(|m| m.value().name() == "bytes_transferred")
            .map(|m| m.value().as_usize() as i64)
            .sum(),
        time_us: metrics.elapsed_compute().map_or(0, |ns| ns as i64 / 1000),
    });
}

/// Redshift's step names for DataFusion's operators; `None` for the wrappers that do no work.
fn step_label(plan: &Arc<dyn ExecutionPlan>) -> Option<String> {
    // On compute nodes a scan is split per node.
    let leaf = match plan.downcast_ref::<datafusion_distributed::DistributedLeafExec>() {
        Some(leaf) => leaf.original(),
        None => plan,
    };
    if let Some(scan) = leaf.downcast_ref::<crate::compute::scan::SliceScanExec>() {
        return Some(format!("scan   tbl={}", scan.spec().table_name));
    }
    // "SortExec(TopK)" is a sort too.
    let name = plan.name().split('(').next().unwrap_or_default();
    let label = match name {
        "HashJoinExec" => "hjoin",
        "SortMergeJoinExec" => "mjoin",
        "NestedLoopJoinExec" | "CrossJoinExec" => "nloop",
        "AggregateExec" => "aggr",
        "SortExec" => "sort",
        "SortPreservingMergeExec" => "merge",
        "ProjectionExec" => "project",
        "FilterExec" => "filter",
        "GlobalLimitExec" | "LocalLimitExec" => "limit",
        "WindowAggExec" | "BoundedWindowAggExec" => "window",
        "UnionExec" | "InterleaveExec" => "union",
        "RepartitionExec" => "dist",
        "NetworkShuffleExec" => "dist",
        "NetworkBroadcastExec" => "bcast",
        "NetworkCoalesceExec" => "return",
        "CoalescePartitionsExec" => "merge",
        "DataSourceExec" | "LazyMemoryExec" | "PlaceholderRowExec" => "scan",
        "DistributedExec" | "CoalesceBatchesExec" | "CooperativeExec" | "MetricsWrapperExec" | "BroadcastExec" => {
            return None
        }
        other => return Some(other.trim_end_matches("Exec").to_ascii_lowercase()),
    };
    Some(label.to_string())
}
