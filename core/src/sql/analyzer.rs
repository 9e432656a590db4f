//! What Redwood's analyzer rules ([`crate::sql::literals`], [`crate::sql::timezone`]) share: a
//! rewrite of every expression of a plan that keeps each expression's output name.

use datafusion::common::tree_node::{Transformed, TransformedResult, TreeNode};
use datafusion::common::{DFSchema, Result};
use datafusion::logical_expr::expr_rewriter::NamePreserver;
use datafusion::logical_expr::utils::merge_schema;
use datafusion::logical_expr::{Expr, LogicalPlan};

/// Rewrites the expressions of `plan` and of its subqueries bottom-up with `rewrite` (given the
/// schema of the node's inputs), keeping the names the expressions had, as DataFusion's own
/// analyzer rules do. Steps planned before analysis refer to columns by those names: INSERT's
/// projection onto the target table, the projection over an aggregate, a view's columns; a
/// rewritten literal or cast that renamed its column would leave them pointing at nothing.
pub fn rewrite_expressions(
    plan: LogicalPlan,
    rewrite: impl Fn(Expr, &DFSchema) -> Result<Transformed<Expr>>,
) -> Result<LogicalPlan> {
    plan.transform_up_with_subqueries(|plan| {
        let schema = merge_schema(&plan.inputs());
        let names = NamePreserver::new(&plan);
        plan.map_expressions(|expr| {
            let name = names.save(&expr);
            expr.transform_up(|e| rewrite(e, &schema))?.map_data(|e| Ok(name.restore(e)))
        })
    })
    .data()
}
