//! Redshift's lateral column aliases: an alias given in a SELECT list can be used later in the
//! same SELECT list and in its WHERE, GROUP BY and HAVING clauses
//! (`SELECT a + 1 AS b, b * 2 AS c FROM t WHERE b > 3`). A column of the FROM relations with the
//! same name wins, so the substitution is made only for a name the planner could not find.

use datafusion::sql::sqlparser::ast::{
    visit_expressions_mut, Expr, GroupByExpr, Query, Select, SelectItem, SetExpr, Statement, VisitMut, VisitorMut,
};
use std::ops::ControlFlow;

/// Replaces unqualified references to `name` with the expression a SELECT list aliased as `name`,
/// in every SELECT of `statement` that defines that alias. Returns whether anything changed.
pub fn substitute_alias(statement: &mut Statement, name: &str) -> bool {
    let mut visitor = Substitute { name, changed: false };
    let _ = statement.visit(&mut visitor);
    visitor.changed
}

struct Substitute<'a> {
    name: &'a str,
    changed: bool,
}

impl VisitorMut for Substitute<'_> {
    type Break = ();

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<()> {
        self.changed |= substitute_in_body(&mut query.body, self.name);
        ControlFlow::Continue(())
    }
}

fn substitute_in_body(body: &mut SetExpr, name: &str) -> bool {
    match body {
        SetExpr::Select(select) => substitute_in_select(select, name),
        SetExpr::SetOperation { left, right, .. } => {
            let left = substitute_in_body(left, name);
            substitute_in_body(right, name) | left
        }
        _ => false,
    }
}

fn substitute_in_select(select: &mut Select, name: &str) -> bool {
    let Some(position) = select.projection.iter().position(
        |item| matches!(item, SelectItem::ExprWithAlias { alias, .. } if alias.value.eq_ignore_ascii_case(name)),
    ) else {
        return false;
    };
    let SelectItem::ExprWithAlias { expr: aliased, .. } = &select.projection[position] else { return false };
    let replacement = Expr::Nested(Box::new(aliased.clone()));
    let mut changed = false;
    let mut replace = |expr: &mut Expr| {
        let _ = visit_expressions_mut(expr, |e: &mut Expr| {
            if matches!(e, Expr::Identifier(ident) if ident.value.eq_ignore_ascii_case(name)) {
                *e = replacement.clone();
                changed = true;
            }
            ControlFlow::<()>::Continue(())
        });
    };
    for item in select.projection.iter_mut().skip(position + 1) {
        match item {
            SelectItem::UnnamedExpr(expr) | SelectItem::ExprWithAlias { expr, .. } => replace(expr),
            _ => {}
        }
    }
    if let Some(selection) = &mut select.selection {
        replace(selection);
    }
    if let GroupByExpr::Expressions(exprs, _) = &mut select.group_by {
        exprs.iter_mut().for_each(&mut replace);
    }
    if let Some(having) = &mut select.having {
        replace(having);
    }
    changed
}
