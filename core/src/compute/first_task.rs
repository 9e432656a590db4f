//! `FirstTaskExec`: runs its input in the first task of a stage only; the other tasks of the
//! stage produce no rows. A step over a `DISTSTYLE ALL` table (whose full copy every node has)
//! or over values the plan carries must count each row once when its result joins rows that are
//! spread over the nodes: the first node computes it, the others contribute nothing.

use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::common::Result;
use datafusion::execution::TaskContext;
use datafusion::physical_expr::PhysicalExpr;
use datafusion::physical_plan::stream::EmptyRecordBatchStream;
use datafusion::physical_plan::{
    DisplayAs, DisplayFormatType, ExecutionPlan, PlanProperties, SendableRecordBatchStream,
};
use datafusion_distributed::DistributedTaskContext;
use std::fmt;
use std::sync::Arc;

#[derive(Debug)]
pub struct FirstTaskExec {
    input: Arc<dyn ExecutionPlan>,
}

impl FirstTaskExec {
    pub fn new(input: Arc<dyn ExecutionPlan>) -> Self {
        FirstTaskExec { input }
    }
}

impl DisplayAs for FirstTaskExec {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "FirstTaskExec")
    }
}

impl ExecutionPlan for FirstTaskExec {
    fn name(&self) -> &str {
        "FirstTaskExec"
    }
    fn properties(&self) -> &Arc<PlanProperties> {
        self.input.properties()
    }
    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }
    fn apply_expressions(
        &self,
        _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>,
    ) -> Result<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }
    fn with_new_children(self: Arc<Self>, mut children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        Ok(Arc::new(FirstTaskExec::new(children.swap_remove(0))))
    }
    fn execute(&self, partition: usize, context: Arc<TaskContext>) -> Result<SendableRecordBatchStream> {
        match DistributedTaskContext::from_ctx(&context).task_index {
            0 => self.input.execute(partition, context),
            _ => Ok(Box::pin(EmptyRecordBatchStream::new(self.input.schema()))),
        }
    }
}
