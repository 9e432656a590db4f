//! How Redwood's scan node crosses from the leader to a compute node inside a
//! `datafusion-distributed` stage: the segments of the node's slices (ids, row counts, deletion
//! vectors — the catalog's knowledge), the columns and their sources, the projection, the
//! zone-map predicate and the limit. The compute node opens the segments in its own storage.

use crate::compute::first_task::FirstTaskExec;
use crate::compute::scan::{ColumnSource, ScanSpec, SliceScanExec};
use crate::storage::{SegmentRef, Storage};
use datafusion::arrow::datatypes::Schema;
use datafusion::common::{internal_err, Result, ScalarValue, Statistics};
use datafusion::execution::TaskContext;
use datafusion::physical_optimizer::pruning::PruningPredicateBuilder;
use datafusion::physical_plan::ExecutionPlan;
use datafusion_proto::physical_plan::from_proto::parse_physical_expr;
use datafusion_proto::physical_plan::to_proto::serialize_physical_expr;
use datafusion_proto::physical_plan::{PhysicalExtensionCodec, PhysicalProtoConverterExtension};
use datafusion_proto::protobuf;
use prost::Message;
use roaring::RoaringBitmap;
use std::sync::Arc;

/// One of Redwood's nodes: a scan, or a [`FirstTaskExec`] (whose input travels as the node's input).
#[derive(Clone, PartialEq, prost::Message)]
struct RedwoodNode {
    #[prost(message, optional, tag = "1")]
    scan: Option<ScanNode>,
    #[prost(bool, tag = "2")]
    first_task: bool,
}

#[derive(Clone, PartialEq, prost::Message)]
struct ScanNode {
    #[prost(string, tag = "1")]
    table_name: String,
    #[prost(message, optional, tag = "2")]
    table_schema: Option<protobuf::Schema>,
    #[prost(message, repeated, tag = "3")]
    sources: Vec<SourceNode>,
    #[prost(message, repeated, tag = "4")]
    partitions: Vec<PartitionNode>,
    #[prost(bool, tag = "5")]
    replicated: bool,
    #[prost(bool, tag = "6")]
    with_locator: bool,
    #[prost(uint32, optional, tag = "7")]
    distkey: Option<u32>,
    #[prost(uint32, repeated, tag = "8")]
    projection: Vec<u32>,
    #[prost(message, optional, tag = "9")]
    zone_map_predicate: Option<protobuf::PhysicalExprNode>,
    #[prost(uint64, optional, tag = "10")]
    limit: Option<u64>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct SourceNode {
    #[prost(string, tag = "1")]
    physical: String,
    #[prost(message, optional, tag = "2")]
    missing: Option<protobuf::ScalarValue>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct PartitionNode {
    #[prost(message, repeated, tag = "1")]
    segments: Vec<SegmentNode>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct SegmentNode {
    #[prost(uint64, tag = "1")]
    id: u64,
    #[prost(uint64, tag = "2")]
    table: u64,
    #[prost(uint32, tag = "3")]
    slice: u32,
    #[prost(uint64, tag = "4")]
    rows: u64,
    #[prost(uint64, tag = "5")]
    bytes: u64,
    /// The deletion vector, serialized as a roaring bitmap; empty when no row is deleted.
    #[prost(bytes = "vec", tag = "6")]
    deleted: Vec<u8>,
}

/// Encodes Redwood's plan nodes on the leader and decodes them on a compute node, whose segments
/// live in `storage` (`None` on the leader, which never decodes a scan).
#[derive(Debug, Clone)]
pub struct RedwoodCodec {
    storage: Option<Arc<Storage>>,
}

impl RedwoodCodec {
    pub fn leader() -> Self {
        RedwoodCodec { storage: None }
    }
    pub fn compute(storage: Arc<Storage>) -> Self {
        RedwoodCodec { storage: Some(storage) }
    }
}

fn proto_err(e: impl std::fmt::Display) -> datafusion::error::DataFusionError {
    datafusion::error::DataFusionError::Internal(format!("Redwood plan encoding: {e}"))
}

impl PhysicalExtensionCodec for RedwoodCodec {
    fn try_encode(
        &self,
        node: Arc<dyn ExecutionPlan>,
        buf: &mut Vec<u8>,
        _converter: &dyn PhysicalProtoConverterExtension,
    ) -> Result<()> {
        if node.is::<FirstTaskExec>() {
            return RedwoodNode { scan: None, first_task: true }.encode(buf).map_err(proto_err);
        }
        let Some(scan) = node.downcast_ref::<SliceScanExec>() else {
            return internal_err!("Redwood cannot send {} to a compute node", node.name());
        };
        let spec = scan.spec();
        if spec.tasks != 1 {
            return internal_err!("only one task's part of a scan is sent to a compute node");
        }
        let segment = |s: &SegmentRef| -> Result<SegmentNode> {
            let mut deleted = vec![];
            if let Some(d) = &s.deleted {
                d.serialize_into(&mut deleted).map_err(proto_err)?;
            }
            Ok(SegmentNode {
                id: s.id(),
                table: s.file.table,
                slice: s.slice,
                rows: s.rows,
                bytes: s.file.bytes,
                deleted,
            })
        };
        let message = ScanNode {
            table_name: spec.table_name.clone(),
            table_schema: Some(protobuf::Schema::try_from(spec.table_schema.as_ref()).map_err(proto_err)?),
            sources: spec
                .sources
                .iter()
                .map(|s| {
                    Ok(SourceNode {
                        physical: s.physical.clone(),
                        missing: Some(protobuf::ScalarValue::try_from(&s.missing).map_err(proto_err)?),
                    })
                })
                .collect::<Result<_>>()?,
            partitions: spec
                .partitions
                .iter()
                .map(|p| Ok(PartitionNode { segments: p.iter().map(segment).collect::<Result<_>>()? }))
                .collect::<Result<_>>()?,
            replicated: spec.replicated,
            with_locator: spec.with_locator,
            distkey: spec.distkey.map(|k| k as u32),
            projection: scan.projection().iter().map(|p| *p as u32).collect(),
            zone_map_predicate: scan.pruning().map(|p| serialize_physical_expr(p.orig_expr(), self)).transpose()?,
            limit: scan.limit().map(|l| l as u64),
        };
        RedwoodNode { scan: Some(message), first_task: false }.encode(buf).map_err(proto_err)
    }

    fn try_decode(
        &self,
        buf: &[u8],
        inputs: &[Arc<dyn ExecutionPlan>],
        ctx: &TaskContext,
        _converter: &dyn PhysicalProtoConverterExtension,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let node = RedwoodNode::decode(buf).map_err(proto_err)?;
        if node.first_task {
            let [input] = inputs else { return internal_err!("FirstTaskExec has one input") };
            return Ok(Arc::new(FirstTaskExec::new(Arc::clone(input))));
        }
        let Some(message) = node.scan else { return internal_err!("unknown Redwood plan node") };
        let Some(storage) = &self.storage else {
            return internal_err!("a Redwood scan can only run on a compute node");
        };
        let Some(schema) = &message.table_schema else { return internal_err!("scan without a schema") };
        let table_schema = Arc::new(Schema::try_from(schema).map_err(proto_err)?);
        let sources = message
            .sources
            .iter()
            .map(|s| {
                let missing = match &s.missing {
                    Some(v) => ScalarValue::try_from(v).map_err(proto_err)?,
                    None => ScalarValue::Null,
                };
                Ok(ColumnSource { physical: s.physical.clone(), missing })
            })
            .collect::<Result<_>>()?;
        let segment = |s: &SegmentNode| -> Result<SegmentRef> {
            let file = storage.existing(s.table, s.slice, s.id, s.bytes);
            let mut segment = SegmentRef::new(file, s.rows);
            if !s.deleted.is_empty() {
                segment.deleted = Some(Arc::new(RoaringBitmap::deserialize_from(&s.deleted[..]).map_err(proto_err)?));
            }
            Ok(segment)
        };
        let partitions = message
            .partitions
            .iter()
            .map(|p| p.segments.iter().map(segment).collect::<Result<Vec<_>>>())
            .collect::<Result<Vec<_>>>()?;
        let pruning = match &message.zone_map_predicate {
            Some(expr) => {
                let expr = parse_physical_expr(expr, ctx, &table_schema, self)?;
                PruningPredicateBuilder::new().with_file_schema(Arc::clone(&table_schema)).build(expr)
            }
            None => None,
        };
        let spec = ScanSpec {
            table_name: message.table_name,
            statistics: Statistics::new_unknown(&table_schema),
            table_schema,
            sources,
            partitions,
            tasks: 1,
            replicated: message.replicated,
            with_locator: message.with_locator,
            distkey: message.distkey.map(|k| k as usize),
        };
        let projection = message.projection.iter().map(|p| *p as usize).collect();
        let scan = SliceScanExec::new(Arc::new(spec), Some(projection), pruning, message.limit.map(|l| l as usize))?;
        Ok(Arc::new(scan))
    }
}
