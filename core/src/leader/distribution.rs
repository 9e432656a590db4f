//! Distribution-aware planning for clusters whose compute nodes are other processes.
//!
//! DataFusion plans a query as if one process ran it, with one partition per slice of one node
//! (a scan declares `Hash(distkey, slices_per_node)` for a KEY table: per node, slice `p` of every
//! KEY table holds the same keys). [`PlaceNetworkBoundaries`] then decides where each part runs
//! and puts `datafusion-distributed`'s network boundaries where rows must move between nodes:
//!
//! - a hash `RepartitionExec` over rows on the nodes becomes a shuffle (`NetworkShuffleExec`):
//!   Redshift's DS_DIST_INNER / OUTER / BOTH for joins, a redistribution by group key for
//!   aggregations; a join whose inputs are already distributed on the join keys gets none
//!   (DS_DIST_NONE);
//! - the build side of a join that emits only probe-side matches is broadcast to every node
//!   (`NetworkBroadcastExec`, DS_BCAST_INNER), unless it is a `DISTSTYLE ALL` table, which every
//!   node reads from its own copy (DS_DIST_ALL_NONE);
//! - merges (`CoalescePartitionsExec`, `SortPreservingMergeExec`), final single-partition steps
//!   and the query's result run on the leader, fed by a `NetworkCoalesceExec` from the nodes,
//!   after each node has merged its own slices.
//!
//! Then the distributed planner cuts stages at those boundaries; [`scale_up_leaf`] gives task `i`
//! node `i`'s slices, and [`route_tasks`] sends task `i` to node `i`.

use crate::compute::codec::RedwoodCodec;
use crate::compute::first_task::FirstTaskExec;
use crate::compute::scan::SliceScanExec;
use crate::net::channels::NodeChannels;
use crate::net::protocol::with_cluster_secret;
use datafusion::common::tree_node::{Transformed, TreeNode, TreeNodeRecursion};
use datafusion::common::{plan_err, JoinType, Result};
use datafusion::config::ConfigOptions;
use datafusion::datasource::memory::MemorySourceConfig;
use datafusion::datasource::source::DataSourceExec;
use datafusion::execution::SessionStateBuilder;
use datafusion::physical_expr::ScalarFunctionExpr;
use datafusion::physical_expr::{Partitioning, PhysicalExpr, PhysicalExprRef};
use datafusion::physical_optimizer::PhysicalOptimizerRule;
use datafusion::physical_plan::aggregates::{AggregateExec, AggregateMode};
use datafusion::physical_plan::coalesce_partitions::CoalescePartitionsExec;
use datafusion::physical_plan::empty::EmptyExec;
use datafusion::physical_plan::joins::{CrossJoinExec, HashJoinExec, NestedLoopJoinExec, PartitionMode};
use datafusion::physical_plan::placeholder_row::PlaceholderRowExec;
use datafusion::physical_plan::repartition::RepartitionExec;
use datafusion::physical_plan::sorts::sort_preserving_merge::SortPreservingMergeExec;
use datafusion::physical_plan::{
    ChildrenPropertiesMode, Distribution, ExecutionPlan, ExecutionPlanProperties, ReplaceChildrenOptions,
};
use datafusion_distributed::{
    BroadcastExec, DesiredTaskCountEvent, DesiredTaskCountEventResponse, DistributedExt, DistributedLeafExec,
    NetworkBroadcastExec, NetworkCoalesceExec, NetworkShuffleExec, RouteTasksEvent, RouteTasksEventResponse,
    ScaleUpLeafNodeEvent, ScaleUpLeafNodeEventResponse, SessionStateBuilderExt, WorkerResolver,
};
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::OnceLock;
use url::Url;

/// The compute nodes, in node order (node `i` holds slices `i * slices_per_node ..`).
#[derive(Debug, Clone)]
pub struct ComputeNodes {
    pub urls: Vec<Url>,
    /// The channels to them, shared by every session.
    pub channels: NodeChannels,
}

impl WorkerResolver for ComputeNodes {
    fn get_urls(&self) -> Result<Vec<Url>> {
        Ok(self.urls.clone())
    }
}

impl ComputeNodes {
    /// Task `i` of a stage runs on node `i`: a leaf task reads that node's slices.
    pub fn route_tasks(&self) -> impl for<'a> Fn(RouteTasksEvent<'a>) -> Option<Result<RouteTasksEventResponse>> {
        let urls = self.urls.clone();
        move |event: RouteTasksEvent| {
            let routed = (0..event.task_count).map(|task| urls[task % urls.len()].clone()).collect();
            Some(Ok(RouteTasksEventResponse::new(routed)))
        }
    }
}

/// Where the rows of a part of a plan are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Locus {
    /// Spread over the compute nodes: each task holds its node's share.
    Nodes,
    /// On every node in full (a `DISTSTYLE ALL` table and what is computed from it alone).
    Replicated,
    /// On the leader; `shippable` when the part only reads values the plan carries (VALUES,
    /// catalog tables), so a node can run it instead.
    Leader { shippable: bool },
}

struct Placed {
    plan: Arc<dyn ExecutionPlan>,
    locus: Locus,
}

/// The physical optimizer rule that places network boundaries (see the module documentation).
#[derive(Debug)]
pub struct PlaceNetworkBoundaries {
    /// Compute nodes: the task count of every stage that runs on them.
    pub nodes: usize,
    /// Partitions of a stage's plan on one node: its slices.
    pub partitions_per_node: usize,
}

impl PhysicalOptimizerRule for PlaceNetworkBoundaries {
    fn optimize(&self, plan: Arc<dyn ExecutionPlan>, _config: &ConfigOptions) -> Result<Arc<dyn ExecutionPlan>> {
        if !plan.exists(|p| Ok(p.is::<SliceScanExec>()))? {
            return Ok(plan);
        }
        // The result is one stream (the head stage runs as one task on the leader).
        let plan: Arc<dyn ExecutionPlan> = match plan.output_partitioning().partition_count() {
            1 => plan,
            _ => Arc::new(CoalescePartitionsExec::new(plan)),
        };
        let gathered = self.to_leader(self.place(plan)?)?;
        Ok(match gathered.output_partitioning().partition_count() {
            1 => gathered,
            _ => Arc::new(CoalescePartitionsExec::new(gathered)),
        })
    }
    fn name(&self) -> &str {
        "redwood_place_network_boundaries"
    }
    fn schema_check(&self) -> bool {
        true
    }
}

/// Joins of inputs already distributed on the join keys run slice by slice (DS_DIST_NONE), also
/// where DataFusion chose to collect the smaller input whole (which would broadcast it).
#[derive(Debug)]
pub struct CoLocatedJoins;

impl PhysicalOptimizerRule for CoLocatedJoins {
    fn optimize(&self, plan: Arc<dyn ExecutionPlan>, _config: &ConfigOptions) -> Result<Arc<dyn ExecutionPlan>> {
        plan.transform_up(|node| {
            let Some(join) = node.downcast_ref::<HashJoinExec>() else { return Ok(Transformed::no(node)) };
            if join.partition_mode() != &PartitionMode::CollectLeft {
                return Ok(Transformed::no(node));
            }
            let Some(coalesce) = join.left().downcast_ref::<CoalescePartitionsExec>() else {
                return Ok(Transformed::no(node));
            };
            let build = coalesce.input();
            let keys = |plan: &Arc<dyn ExecutionPlan>| match plan.output_partitioning() {
                Partitioning::Hash(exprs, count) => Some((exprs.clone(), *count)),
                _ => None,
            };
            let (Some((left, left_count)), Some((right, right_count))) = (keys(build), keys(join.right())) else {
                return Ok(Transformed::no(node));
            };
            let on = join.on();
            let matches =
                |exprs: &[Arc<dyn PhysicalExpr>], side: fn(&(PhysicalExprRef, PhysicalExprRef)) -> &PhysicalExprRef| {
                    exprs.len() == on.len() && exprs.iter().zip(on).all(|(e, pair)| e.as_ref() == side(pair).as_ref())
                };
            if coalesce.fetch().is_some()
                || left_count != right_count
                || !matches(&left, |p| &p.0)
                || !matches(&right, |p| &p.1)
            {
                return Ok(Transformed::no(node));
            }
            let partitioned = join
                .builder()
                .with_partition_mode(PartitionMode::Partitioned)
                .with_new_children(vec![Arc::clone(build), Arc::clone(join.right())])?
                .recompute_properties()
                .reset_state()
                .build_exec()?;
            Ok(Transformed::yes(partitioned))
        })
        .map(|t| t.data)
    }
    fn name(&self) -> &str {
        "redwood_co_located_joins"
    }
    fn schema_check(&self) -> bool {
        true
    }
}

/// A join that emits only matches of probe-side rows can run where the probe rows are, with all
/// of the build side there too; others (LEFT, FULL, …) would emit unmatched build rows once per node.
fn probe_driven(join_type: &JoinType) -> bool {
    matches!(
        join_type,
        JoinType::Inner | JoinType::Right | JoinType::RightSemi | JoinType::RightAnti | JoinType::RightMark
    )
}

/// For joins whose left input is collected whole (the build side): whether rows may stay where
/// the probe side is.
fn collect_left_join(plan: &dyn ExecutionPlan) -> Option<bool> {
    if let Some(join) = plan.downcast_ref::<HashJoinExec>() {
        return (join.partition_mode() == &PartitionMode::CollectLeft).then(|| probe_driven(join.join_type()));
    }
    if let Some(join) = plan.downcast_ref::<NestedLoopJoinExec>() {
        return Some(probe_driven(join.join_type()));
    }
    plan.is::<CrossJoinExec>().then_some(true)
}

/// Whether rows spread over the nodes are distributed by `keys` across all of them (hashed on
/// some of them is enough for a step with this one input).
fn distributed_on(plan: &Arc<dyn ExecutionPlan>, keys: &[Arc<dyn PhysicalExpr>]) -> bool {
    let Partitioning::Hash(exprs, _) = plan.output_partitioning() else { return false };
    // As several partitions: DataFusion counts a single one as satisfying any key.
    Partitioning::Hash(exprs.clone(), 2)
        .satisfaction(&Distribution::KeyPartitioned(keys.to_vec()), plan.equivalence_properties(), true)
        .is_satisfied()
}

/// Whether rows spread over the nodes are hashed on exactly `keys`, in that order: two inputs
/// so distributed hold matching keys on the same slice (rows hashed on a subset of the keys
/// would not meet rows hashed on all of them).
fn distributed_exactly_on(plan: &Arc<dyn ExecutionPlan>, keys: &[Arc<dyn PhysicalExpr>]) -> bool {
    let Partitioning::Hash(exprs, _) = plan.output_partitioning() else { return false };
    let equivalent = plan.equivalence_properties().eq_group();
    exprs.len() == keys.len() && exprs.iter().zip(keys).all(|(e, k)| equivalent.exprs_equal(e, k))
}

/// Names of the functions a compute node knows: DataFusion's and those of [`crate::sql::functions::portable_functions`].
fn worker_function_names() -> &'static HashSet<String> {
    static NAMES: OnceLock<HashSet<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        datafusion::functions::all_default_functions()
            .into_iter()
            .chain(crate::sql::functions::portable_functions())
            .flat_map(|f| std::iter::once(f.name().to_string()).chain(f.aliases().to_vec()).collect::<Vec<_>>())
            .collect()
    })
}

/// Whether a step calls a function only the leader has (over its catalog or the session).
fn calls_leader_functions(plan: &Arc<dyn ExecutionPlan>) -> Result<bool> {
    let known = worker_function_names();
    let mut leader_only = false;
    plan.apply_expressions(&mut |expr| {
        leader_only |= expr
            .exists(|e| Ok(e.downcast_ref::<ScalarFunctionExpr>().is_some_and(|f| !known.contains(f.fun().name()))))?;
        Ok(if leader_only { TreeNodeRecursion::Stop } else { TreeNodeRecursion::Continue })
    })?;
    Ok(leader_only)
}

fn shippable_leaf(plan: &dyn ExecutionPlan) -> bool {
    plan.is::<EmptyExec>()
        || plan.is::<PlaceholderRowExec>()
        || plan
            .downcast_ref::<DataSourceExec>()
            .is_some_and(|source| source.data_source().downcast_ref::<MemorySourceConfig>().is_some())
}

impl PlaceNetworkBoundaries {
    fn place(&self, plan: Arc<dyn ExecutionPlan>) -> Result<Placed> {
        if plan.children().is_empty() {
            let locus = match plan.downcast_ref::<SliceScanExec>() {
                Some(scan) if scan.spec().replicated => Locus::Replicated,
                Some(_) => Locus::Nodes,
                None => Locus::Leader { shippable: shippable_leaf(plan.as_ref()) },
            };
            return Ok(Placed { plan, locus });
        }
        if let Some(broadcast_safe) = collect_left_join(plan.as_ref()) {
            return self.place_collect_left_join(plan, broadcast_safe);
        }
        if calls_leader_functions(&plan)? {
            // Functions over the leader's catalog or session run there, on rows brought to it.
            let children: Vec<Placed> =
                plan.children().into_iter().map(|c| self.place(Arc::clone(c))).collect::<Result<_>>()?;
            let mut inputs = vec![];
            for child in children {
                let gathered = self.to_leader(child)?;
                inputs.push(gathered);
            }
            return Ok(Placed { plan: with_children(&plan, inputs)?, locus: Locus::Leader { shippable: false } });
        }
        let is_merge = plan.is::<CoalescePartitionsExec>() || plan.is::<SortPreservingMergeExec>();
        let mut children: Vec<Placed> =
            plan.children().into_iter().map(|c| self.place(Arc::clone(c))).collect::<Result<_>>()?;

        if let Some(aggregate) = plan.downcast_ref::<AggregateExec>() {
            if *aggregate.mode() == AggregateMode::Single && children[0].locus == Locus::Nodes {
                return self.split_aggregate(aggregate, children.remove(0));
            }
        }

        if let Some(repartition) = plan.downcast_ref::<RepartitionExec>() {
            if matches!(repartition.partitioning(), Partitioning::Hash(..)) {
                let child = children.into_iter().next().expect("one input");
                if let Locus::Leader { .. } = child.locus {
                    return Ok(Placed { plan: with_children(&plan, vec![child.plan])?, locus: child.locus });
                }
                let repartition = with_children(&plan, vec![self.to_nodes(child)?])?;
                let shuffle = NetworkShuffleExec::try_new(repartition, self.nodes)?;
                return Ok(Placed { plan: Arc::new(shuffle), locus: Locus::Nodes });
            }
        }
        if is_merge {
            let child = children.into_iter().next().expect("one input");
            if let Locus::Leader { .. } | Locus::Replicated = child.locus {
                return Ok(Placed { plan: with_children(&plan, vec![child.plan])?, locus: child.locus });
            }
            // Each node merges its slices; the leader merges the nodes.
            let on_nodes = with_children(&plan, vec![self.to_nodes(child)?])?;
            let gathered = NetworkCoalesceExec::try_new(on_nodes, self.nodes, 1)?;
            let on_leader = with_children(&plan, vec![Arc::new(gathered)])?;
            return Ok(Placed { plan: on_leader, locus: Locus::Leader { shippable: false } });
        }

        // Inputs a step needs in one partition (a final aggregate over a single-partition input,
        // a global limit) cannot be split over the nodes.
        let requirements = plan.input_distribution_requirements().into_per_child();
        // Inputs partitioned by key that meet each other (a partitioned join) must be hashed on
        // exactly their keys.
        let meeting = requirements.iter().filter(|r| matches!(r, Distribution::KeyPartitioned(_))).count() > 1;
        let mut children = children;
        for (child, requirement) in children.iter_mut().zip(&requirements) {
            // DataFusion takes one partition as distributed on any key; one partition per node
            // (a node of one slice) is not: such inputs are redistributed here.
            if let (Distribution::KeyPartitioned(keys), Locus::Nodes) = (requirement, child.locus) {
                let distributed =
                    if meeting { distributed_exactly_on(&child.plan, keys) } else { distributed_on(&child.plan, keys) };
                if !distributed {
                    let by_key = Partitioning::Hash(keys.clone(), self.partitions_per_node);
                    let repartition = RepartitionExec::try_new(Arc::clone(&child.plan), by_key)?;
                    let shuffle = NetworkShuffleExec::try_new(Arc::new(repartition), self.nodes)?;
                    child.plan = Arc::new(shuffle);
                }
            }
            // Rows brought to the leader arrive in a partition per node and slice: steps planned
            // for one input partition, or for partitions by key, get them so again.
            if let (Distribution::KeyPartitioned(keys), Locus::Leader { .. }) = (requirement, child.locus) {
                let partitioning = child.plan.output_partitioning();
                let satisfied =
                    partitioning.satisfaction(requirement, child.plan.equivalence_properties(), true).is_satisfied();
                if !satisfied {
                    let by_key = Partitioning::Hash(keys.clone(), self.partitions_per_node);
                    child.plan = Arc::new(RepartitionExec::try_new(Arc::clone(&child.plan), by_key)?);
                }
            }
            if matches!(requirement, Distribution::SinglePartition) {
                if child.locus == Locus::Nodes {
                    let taken = std::mem::replace(child, Placed { plan: Arc::clone(&child.plan), locus: child.locus });
                    *child = Placed { plan: self.to_leader(taken)?, locus: Locus::Leader { shippable: false } };
                }
                if matches!(child.locus, Locus::Leader { .. }) && child.plan.output_partitioning().partition_count() > 1
                {
                    child.plan = Arc::new(CoalescePartitionsExec::new(Arc::clone(&child.plan)));
                }
            }
        }
        self.combine(&plan, children)
    }

    /// Runs a step where all its inputs can be: on the nodes if any input is there, on the
    /// leader if one input can only be there.
    fn combine(&self, plan: &Arc<dyn ExecutionPlan>, children: Vec<Placed>) -> Result<Placed> {
        let loci: Vec<Locus> = children.iter().map(|c| c.locus).collect();
        let (plans, locus) = if loci.contains(&Locus::Leader { shippable: false }) {
            // Everything meets on the leader (an external table joined with a local one). Inputs
            // a step reads partition by partition are hashed again there, into as many
            // partitions as the leader's own input has.
            let requirements = plan.input_distribution_requirements().into_per_child();
            let leader_partitions = children
                .iter()
                .find(|c| matches!(c.locus, Locus::Leader { .. }))
                .map_or(self.partitions_per_node, |c| c.plan.output_partitioning().partition_count());
            let mut plans = vec![];
            for (child, requirement) in children.into_iter().zip(&requirements) {
                let on_nodes = !matches!(child.locus, Locus::Leader { .. });
                let gathered = self.to_leader(child)?;
                plans.push(match requirement {
                    Distribution::KeyPartitioned(keys) if on_nodes => {
                        let by_key = Partitioning::Hash(keys.clone(), leader_partitions);
                        Arc::new(RepartitionExec::try_new(gathered, by_key)?) as Arc<dyn ExecutionPlan>
                    }
                    _ => gathered,
                });
            }
            (plans, Locus::Leader { shippable: false })
        } else if loci.contains(&Locus::Nodes)
            || (loci.contains(&Locus::Replicated) && loci.iter().any(|l| *l != Locus::Replicated))
        {
            let plans = children.into_iter().map(|c| self.to_nodes(c)).collect::<Result<_>>()?;
            (plans, Locus::Nodes)
        } else if loci.iter().all(|l| *l == Locus::Replicated) {
            (children.into_iter().map(|c| c.plan).collect(), Locus::Replicated)
        } else {
            (children.into_iter().map(|c| c.plan).collect(), Locus::Leader { shippable: true })
        };
        Ok(Placed { plan: with_children(plan, plans)?, locus })
    }

    fn place_collect_left_join(&self, plan: Arc<dyn ExecutionPlan>, broadcast_safe: bool) -> Result<Placed> {
        let children = plan.children();
        // The build side's CoalescePartitionsExec (if any) is the join's own: it is placed here.
        let (build_input, build_fetch) = match children[0].downcast_ref::<CoalescePartitionsExec>() {
            Some(coalesce) => (Arc::clone(coalesce.input()), coalesce.fetch()),
            None => (Arc::clone(children[0]), None),
        };
        let build = self.place(build_input)?;
        let probe = self.place(Arc::clone(children[1]))?;
        let rest: Vec<Arc<dyn ExecutionPlan>> = children[2..].iter().map(|c| Arc::clone(*c)).collect();
        let collect = |input: Arc<dyn ExecutionPlan>| -> Arc<dyn ExecutionPlan> {
            match input.output_partitioning().partition_count() {
                1 => input,
                _ => Arc::new(CoalescePartitionsExec::new(input).with_fetch(build_fetch)),
            }
        };
        let build_leader_only = build.locus == Locus::Leader { shippable: false };
        let (build_plan, probe_plan, locus) = match (build.locus, probe.locus) {
            (Locus::Replicated, Locus::Replicated) => (collect(build.plan), probe.plan, Locus::Replicated),
            // DS_DIST_ALL_NONE: every node joins its rows with its own copy.
            (Locus::Replicated, Locus::Nodes) if broadcast_safe => (collect(build.plan), probe.plan, Locus::Nodes),
            // DS_BCAST_INNER: every node gets all build rows.
            (_, Locus::Nodes | Locus::Replicated) if broadcast_safe && !build_leader_only => {
                // One consumer, as datafusion-distributed's own planner writes it: the stage's
                // real consumer count is filled in when the stages are cut.
                let broadcast = BroadcastExec::new(self.to_nodes(build)?, 1);
                let received = NetworkBroadcastExec::try_new(Arc::new(broadcast), self.nodes)?;
                (collect(Arc::new(received)), self.to_nodes(probe)?, Locus::Nodes)
            }
            (Locus::Leader { shippable: a }, Locus::Leader { shippable: b }) => {
                (collect(build.plan), probe.plan, Locus::Leader { shippable: a && b })
            }
            // A hash join that also emits unmatched build rows (LEFT, FULL, semi and anti joins):
            // both sides meet by join key on the nodes, each moved unless already distributed on it.
            (Locus::Nodes | Locus::Replicated, _) | (_, Locus::Nodes | Locus::Replicated)
                if !build_leader_only
                    && probe.locus != (Locus::Leader { shippable: false })
                    && build_fetch.is_none() =>
            {
                if let Some(join) = plan.downcast_ref::<HashJoinExec>().filter(|j| !j.null_aware) {
                    let (build_keys, probe_keys): (Vec<_>, Vec<_>) = join.on().iter().cloned().unzip();
                    let partitioned = join
                        .builder()
                        .with_partition_mode(PartitionMode::Partitioned)
                        .with_new_children(vec![self.by_key(build, build_keys)?, self.by_key(probe, probe_keys)?])?
                        .recompute_properties()
                        .reset_state()
                        .build_exec()?;
                    return Ok(Placed { plan: partitioned, locus: Locus::Nodes });
                }
                (collect(self.to_leader(build)?), self.to_leader(probe)?, Locus::Leader { shippable: false })
            }
            // Both sides to the leader: other joins that also emit unmatched build rows, and
            // builds that only the leader can compute.
            _ => (collect(self.to_leader(build)?), self.to_leader(probe)?, Locus::Leader { shippable: false }),
        };
        let mut inputs = vec![build_plan, probe_plan];
        inputs.extend(rest);
        Ok(Placed { plan: with_children(&plan, inputs)?, locus })
    }

    /// An aggregate DataFusion planned in one step (its input is one partition per node when a
    /// node runs one slice) over rows spread on the nodes: grouped on the distribution key, each
    /// node aggregates its own groups; else the slices aggregate partially and the partial
    /// results meet by group key on the nodes (AGG_DIST_BY_KEY), or on the leader when there are
    /// no groups or grouping sets (AGG_ON_LEADER).
    fn split_aggregate(&self, aggregate: &AggregateExec, input: Placed) -> Result<Placed> {
        let (group, filters, input_schema) =
            (aggregate.group_expr(), aggregate.filter_expr().to_vec(), aggregate.input_schema());
        let limit = aggregate.limit_options();
        let grouped = !group.is_empty() && !group.has_grouping_set();
        if grouped && distributed_on(&input.plan, &group.input_exprs()) {
            let on_nodes = AggregateExec::try_new(
                AggregateMode::SinglePartitioned,
                group.clone(),
                aggregate.aggr_expr().to_vec(),
                filters,
                input.plan,
                input_schema,
            )?;
            return Ok(Placed { plan: Arc::new(on_nodes.with_limit_options(limit)), locus: Locus::Nodes });
        }
        let partial = Arc::new(AggregateExec::try_new(
            AggregateMode::Partial,
            group.clone(),
            aggregate.aggr_expr().to_vec(),
            filters.clone(),
            input.plan,
            Arc::clone(&input_schema),
        )?);
        let final_group = partial.group_expr().as_final();
        let aggregates = partial.aggr_expr().to_vec();
        let (mode, input, locus) = if grouped {
            let by_key = Partitioning::Hash(final_group.input_exprs(), self.partitions_per_node);
            let repartition = RepartitionExec::try_new(partial, by_key)?;
            let shuffle: Arc<dyn ExecutionPlan> =
                Arc::new(NetworkShuffleExec::try_new(Arc::new(repartition), self.nodes)?);
            (AggregateMode::FinalPartitioned, shuffle, Locus::Nodes)
        } else {
            let gathered = self.to_leader(Placed { plan: partial, locus: Locus::Nodes })?;
            let merged: Arc<dyn ExecutionPlan> = match gathered.output_partitioning().partition_count() {
                1 => gathered,
                _ => Arc::new(CoalescePartitionsExec::new(gathered)),
            };
            (AggregateMode::Final, merged, Locus::Leader { shippable: false })
        };
        let last = AggregateExec::try_new(mode, final_group, aggregates, filters, input, input_schema)?;
        Ok(Placed { plan: Arc::new(last.with_limit_options(limit)), locus })
    }

    /// The part's rows on the nodes, distributed by `keys` over all slices (shuffled there unless
    /// they already are).
    fn by_key(&self, placed: Placed, keys: Vec<Arc<dyn PhysicalExpr>>) -> Result<Arc<dyn ExecutionPlan>> {
        let already = placed.locus == Locus::Nodes && distributed_exactly_on(&placed.plan, &keys);
        let on_nodes = self.to_nodes(placed)?;
        if already {
            return Ok(on_nodes);
        }
        let repartition = RepartitionExec::try_new(on_nodes, Partitioning::Hash(keys, self.partitions_per_node))?;
        Ok(Arc::new(NetworkShuffleExec::try_new(Arc::new(repartition), self.nodes)?))
    }

    /// The part's plan, run on the nodes.
    fn to_nodes(&self, placed: Placed) -> Result<Arc<dyn ExecutionPlan>> {
        match placed.locus {
            Locus::Nodes => Ok(placed.plan),
            // Rows every node has (or could compute) come from the first node only, so that
            // they are counted once.
            Locus::Replicated | Locus::Leader { shippable: true } => Ok(Arc::new(FirstTaskExec::new(placed.plan))),
            Locus::Leader { shippable: false } => plan_err!("a leader-only step cannot run on the compute nodes"),
        }
    }

    /// The part's rows, brought to the leader.
    fn to_leader(&self, placed: Placed) -> Result<Arc<dyn ExecutionPlan>> {
        match placed.locus {
            Locus::Leader { .. } => Ok(placed.plan),
            _ => Ok(Arc::new(NetworkCoalesceExec::try_new(self.to_nodes(placed)?, self.nodes, 1)?)),
        }
    }
}

/// A session that plans for the compute nodes `nodes` and runs the head of each plan itself.
pub fn on_compute_nodes(
    builder: SessionStateBuilder,
    nodes: &ComputeNodes,
    slices_per_node: u32,
    secret: &str,
) -> SessionStateBuilder {
    let rule = PlaceNetworkBoundaries { nodes: nodes.urls.len(), partitions_per_node: slices_per_node as usize };
    let builder = builder
        .with_physical_optimizer_rule(Arc::new(rule))
        .with_distributed_worker_resolver(nodes.clone())
        .with_distributed_channel_resolver(nodes.channels.clone())
        .with_distributed_planner()
        .with_distributed_user_codec(RedwoodCodec::leader())
        .with_distributed_scale_up_leaf_node_handler(scale_up_leaf)
        .with_distributed_route_tasks_handler(nodes.route_tasks())
        // Plans without Redwood scans stay whole on the leader.
        .with_distributed_desired_task_count_handler(|_: DesiredTaskCountEvent| {
            Some(Ok(DesiredTaskCountEventResponse::maximum(1)))
        });
    with_cluster_secret(builder, secret)
}

fn with_children(
    plan: &Arc<dyn ExecutionPlan>,
    children: Vec<Arc<dyn ExecutionPlan>>,
) -> Result<Arc<dyn ExecutionPlan>> {
    Arc::clone(plan).replace_children(children, ReplaceChildrenOptions::new(ChildrenPropertiesMode::Recompute))
}

/// Splits a stage's Redwood scans over its tasks: task `i` reads node `i`'s slices (of a
/// `DISTSTYLE ALL` table, node `i`'s copy). Other leaves are under a [`FirstTaskExec`].
pub fn scale_up_leaf(event: ScaleUpLeafNodeEvent) -> Option<Result<ScaleUpLeafNodeEventResponse>> {
    let scan = event.plan.downcast_ref::<SliceScanExec>()?;
    if event.task_count < 2 {
        return None;
    }
    let variants: Result<Vec<Arc<dyn ExecutionPlan>>> =
        (0..event.task_count).map(|task| Ok(Arc::new(scan.for_task(task)?) as _)).collect();
    let leaf = variants.and_then(|v| DistributedLeafExec::try_new(Arc::clone(event.plan), v));
    Some(leaf.map(|leaf| ScaleUpLeafNodeEventResponse::new(Arc::new(leaf))))
}
