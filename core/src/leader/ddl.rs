//! Executing DDL: schemas, tables (plain, LIKE, AS), views, ALTER TABLE, DROP, TRUNCATE, COMMENT ON.

use crate::catalog::*;
use crate::err;
use crate::error::{Error, Result};
use crate::leader::results::Outcome;
use crate::leader::session::Session;
use crate::sql::ddl::{self, ident_name, qualified_name};
use crate::sql::parser::TableAttributes;
use crate::types::{SqlType, DEFAULT_VARCHAR_LENGTH, MAX_VARCHAR_LENGTH};
use datafusion::arrow::array::AsArray;
use datafusion::arrow::datatypes::DataType;
use datafusion::sql::sqlparser::ast::{
    self, AlterTable, AlterTableOperation, CreateTable, CreateTableLikeDefaults, CreateTableLikeKind, CreateView,
    ObjectName, ObjectType, RenameTableNameKind, SchemaName, Truncate,
};
use std::sync::Arc;

impl Session {
    pub(crate) async fn create_table(&mut self, create: &CreateTable, attrs: &TableAttributes) -> Result<Outcome> {
        if create.temporary {
            return Err(err!(FEATURE_NOT_SUPPORTED, "temporary tables are not supported yet"));
        }
        let name = qualified_name(&create.name)?;
        let state = Arc::clone(self.txn().state());
        if state.require_schema(&name.schema)?.external.is_some() {
            return Err(err!(WRONG_OBJECT_TYPE, "schema \"{}\" is an external schema", name.schema)
                .with_hint("Create local tables in a local schema, or use CREATE EXTERNAL TABLE."));
        }
        self.require_on_schema(&name.schema, Privileges::CREATE)?;
        if state.lookup(&name).is_some() {
            if create.if_not_exists {
                self.notice(format!("relation \"{}\" already exists, skipping", name.name));
                return Ok(Outcome::command("CREATE TABLE"));
            }
            return Err(err!(DUPLICATE_TABLE, "relation \"{}\" already exists", name.name));
        }
        let (table, rows) = if let Some(like) = &create.like {
            (self.table_like(&state, like, attrs)?, None)
        } else if let Some(query) = &create.query {
            let plan = self.plan(ast::Statement::Query(query.clone())).await?;
            // A column passed through from a table keeps its declared type (VARCHAR(5) stays
            // VARCHAR(5)); computed text is sized to fit its longest value.
            let declared: Vec<Option<SqlType>> = plan
                .schema()
                .iter()
                .map(|(qualifier, field)| {
                    let q = qualifier?;
                    let source = QualifiedName {
                        schema: q.schema().unwrap_or(DEFAULT_SCHEMA).to_string(),
                        name: q.table().to_string(),
                    };
                    let (_, table) = state.require_table(&source).ok()?;
                    table.column(field.name()).map(|c| c.sql_type)
                })
                .collect();
            let (schema, batches) = self.run_plan(plan).await?;
            let mut columns = vec![];
            for (i, field) in schema.fields().iter().enumerate() {
                let name = crate::sql::names::display_name(field.name()).to_string();
                let mut sql_type = SqlType::from_arrow(field.data_type())?;
                if let Some(t) = declared[i].filter(|t| t.arrow_type() == *field.data_type()) {
                    sql_type = t;
                } else if let SqlType::Varchar(_) = sql_type {
                    let longest = batches
                        .iter()
                        .flat_map(|b| {
                            let c = datafusion::arrow::compute::cast(b.column(i), &DataType::Utf8).ok()?;
                            c.as_string::<i32>().iter().flatten().map(str::len).max()
                        })
                        .max()
                        .unwrap_or(0);
                    sql_type = SqlType::Varchar((longest as u32).clamp(DEFAULT_VARCHAR_LENGTH, MAX_VARCHAR_LENGTH));
                }
                if columns.iter().any(|c: &Column| c.name == name) {
                    return Err(err!(DUPLICATE_COLUMN, "column \"{name}\" specified more than once"));
                }
                columns.push(Column {
                    id: i as ColumnId,
                    name: name.clone(),
                    sql_type,
                    not_null: false,
                    default: None,
                    identity: None,
                    encoding: attrs
                        .columns
                        .get(&name)
                        .and_then(|a| a.encode.as_deref())
                        .map(Encoding::parse)
                        .transpose()?
                        .unwrap_or(Encoding::Auto),
                    missing: None,
                    comment: None,
                    acl: Acl::default(),
                });
            }
            let distribution = ddl::distribution(&columns, attrs)?;
            let sort_key = ddl::sort_key(&columns, attrs)?;
            let table = TableDef::new(columns, distribution, sort_key);
            (table, Some(batches))
        } else {
            (ddl::table_def(&create.columns, &create.constraints, attrs)?, None)
        };
        let id = self.add_relation(name, RelationKind::Table(table));
        match rows {
            Some(batches) => {
                let state = Arc::clone(self.txn().state());
                let n = self.append_batches(state.relation(id).expect("just created"), batches)?;
                Ok(Outcome::counted("SELECT", n))
            }
            None => Ok(Outcome::command("CREATE TABLE")),
        }
    }

    /// A new relation owned by the session's user, in this transaction.
    pub(crate) fn add_relation(&mut self, name: QualifiedName, kind: RelationKind) -> RelId {
        let id = self.db.allocate_relation_id();
        let owner = self.user().to_string();
        let acl = self.default_grants(&owner, &name.schema);
        self.txn().put_relation(Relation {
            id,
            schema: name.schema,
            name: name.name,
            owner,
            version: 0,
            comment: None,
            acl,
            row_level_security: None,
            kind,
        });
        id
    }

    /// CREATE TABLE … (LIKE parent [INCLUDING|EXCLUDING DEFAULTS]): columns, NOT NULL, encodings,
    /// distribution and sort key come from the parent; defaults only when asked for.
    fn table_like(
        &self,
        state: &CatalogState,
        like: &CreateTableLikeKind,
        attrs: &TableAttributes,
    ) -> Result<TableDef> {
        let like = match like {
            CreateTableLikeKind::Parenthesized(l) | CreateTableLikeKind::Plain(l) => l,
        };
        let (_, parent) = state.require_table(&qualified_name(&like.name)?)?;
        let with_defaults = matches!(like.defaults, Some(CreateTableLikeDefaults::Including));
        let mut columns: Vec<Column> = parent.columns.clone();
        for c in columns.iter_mut() {
            c.missing = None;
            if !with_defaults {
                c.default = None;
                c.identity = None;
            }
            if let Some(identity) = c.identity.as_mut() {
                identity.next = identity.seed;
            }
        }
        let distribution = match parent.distribution {
            Distribution::Auto(_) => Distribution::Auto(AutoPlacement::All),
            d => d,
        };
        let mut table = TableDef::new(columns, distribution, parent.sort_key.clone());
        if attrs.diststyle.is_some() || attrs.distkey.is_some() {
            table.distribution = ddl::distribution(&table.columns, attrs)?;
        }
        if attrs.sortkey.is_some() {
            table.sort_key = ddl::sort_key(&table.columns, attrs)?;
        }
        Ok(table)
    }

    pub(crate) async fn create_view(&mut self, view: &CreateView) -> Result<Outcome> {
        if view.materialized {
            return Err(err!(FEATURE_NOT_SUPPORTED, "materialized views are not supported yet"));
        }
        if !view.columns.is_empty() {
            return Err(err!(
                FEATURE_NOT_SUPPORTED,
                "a column list in CREATE VIEW is not supported yet; alias the query's columns instead"
            ));
        }
        let name = qualified_name(&view.name)?;
        let state = Arc::clone(self.txn().state());
        state.require_schema(&name.schema)?;
        self.require_on_schema(&name.schema, Privileges::CREATE)?;
        let existing = state.lookup(&name).cloned();
        let id = match &existing {
            Some(rel) if view.or_replace && rel.is_view() => {
                self.require_owner(rel)?;
                rel.id
            }
            Some(_) if view.if_not_exists => return Ok(Outcome::command("CREATE VIEW")),
            Some(_) => return Err(err!(DUPLICATE_TABLE, "relation \"{}\" already exists", name.name)),
            None => self.db.allocate_relation_id(),
        };
        let statement = ast::Statement::Query(view.query.clone());
        let (sql, depends_on) = if view.with_no_schema_binding {
            (view.query.to_string(), vec![])
        } else {
            // A view's columns are fixed when it is created, as on Redshift: `SELECT *` does not
            // grow with its tables.
            let plan = self.plan(statement.clone()).await?;
            let mut names: Vec<String> = vec![];
            for field in plan.schema().fields() {
                if crate::sql::names::display_name(field.name()) != field.name() || names.contains(field.name()) {
                    let name = crate::sql::names::display_name(field.name());
                    return Err(err!(DUPLICATE_COLUMN, "column \"{name}\" specified more than once"));
                }
                names.push(field.name().clone());
            }
            let columns: Vec<String> = names.iter().map(|n| format!("\"{}\"", n.replace('"', "\"\""))).collect();
            let sql = format!(
                "SELECT {} FROM ({}) AS \"{}\"",
                columns.join(", "),
                view.query,
                name.name.replace('"', "\"\"")
            );
            let df_statement = datafusion::sql::parser::Statement::Statement(Box::new(statement));
            let (references, _) = datafusion::sql::resolve::resolve_table_references(&df_statement, true)?;
            let depends_on = references
                .iter()
                .filter_map(|r| {
                    let schema = r.schema().unwrap_or(DEFAULT_SCHEMA).to_string();
                    state.lookup(&QualifiedName { schema, name: r.table().to_string() }).map(|rel| rel.id)
                })
                .collect();
            (sql, depends_on)
        };
        // A replaced view keeps its owner and grants.
        let owner = existing.as_ref().map_or_else(|| self.user().to_string(), |r| r.owner.clone());
        let acl = match &existing {
            Some(rel) => rel.acl.clone(),
            None => self.default_grants(&owner, &name.schema),
        };
        self.txn().put_relation(Relation {
            id,
            schema: name.schema,
            name: name.name,
            owner,
            version: existing.as_ref().map_or(0, |r| r.version),
            comment: existing.as_ref().and_then(|r| r.comment.clone()),
            acl,
            row_level_security: existing.as_ref().and_then(|r| r.row_level_security),
            kind: RelationKind::View(ViewDef {
                sql,
                text: view.query.to_string(),
                depends_on,
                late_binding: view.with_no_schema_binding,
            }),
        });
        Ok(Outcome::command("CREATE VIEW"))
    }

    pub(crate) fn create_schema(
        &mut self,
        schema_name: &SchemaName,
        if_not_exists: bool,
        external: Option<ExternalSchema>,
    ) -> Result<Outcome> {
        let name = match schema_name {
            SchemaName::Simple(n) | SchemaName::NamedAuthorization(n, _) => {
                n.0.last()
                    .and_then(|p| p.as_ident())
                    .map(ident_name)
                    .ok_or_else(|| Error::syntax("invalid schema name"))?
            }
            SchemaName::UnnamedAuthorization(user) => ident_name(user),
        };
        let principal = self.principal();
        let state = Arc::clone(self.txn().state());
        if !principal.superuser && !state.database_acl.held_by(&principal).0.contains(Privileges::CREATE) {
            return Err(err!(INSUFFICIENT_PRIVILEGE, "permission denied for database {DEFAULT_DATABASE}"));
        }
        // `AUTHORIZATION user` makes someone else the owner: a superuser's choice.
        let owner = match schema_name {
            SchemaName::NamedAuthorization(_, user) | SchemaName::UnnamedAuthorization(user) => ident_name(user),
            SchemaName::Simple(_) => principal.user.clone(),
        };
        // (The built-in embedded user is no catalog user, but owns what it creates.)
        if owner != principal.user {
            state.require_user(&owner)?;
        }
        if owner != principal.user && !principal.superuser {
            return Err(err!(INSUFFICIENT_PRIVILEGE, "permission denied to create a schema for another user"));
        }
        if state.schemas.contains_key(&name) {
            if if_not_exists {
                self.notice(format!("schema \"{name}\" already exists, skipping"));
                return Ok(Outcome::command("CREATE SCHEMA"));
            }
            return Err(err!(DUPLICATE_SCHEMA, "schema \"{name}\" already exists"));
        }
        self.txn().put_schema(SchemaEntry::new(name, owner, external));
        Ok(Outcome::command("CREATE SCHEMA"))
    }

    pub(crate) fn drop(
        &mut self,
        object_type: ObjectType,
        if_exists: bool,
        names: &[ObjectName],
        cascade: bool,
    ) -> Result<Outcome> {
        let tag = match object_type {
            ObjectType::Table => "DROP TABLE",
            ObjectType::View => "DROP VIEW",
            ObjectType::Schema => "DROP SCHEMA",
            other => return Err(err!(FEATURE_NOT_SUPPORTED, "DROP {other} is not supported")),
        };
        for name in names {
            if object_type == ObjectType::Schema {
                self.drop_schema(name, if_exists, cascade)?;
                continue;
            }
            let qname = qualified_name(name)?;
            let state = Arc::clone(self.txn().state());
            let Some(rel) = state.lookup(&qname) else {
                let kind = if object_type == ObjectType::View { "view" } else { "table" };
                if if_exists {
                    self.notice(format!("{kind} \"{}\" does not exist, skipping", qname.name));
                    continue;
                }
                return Err(err!(UNDEFINED_TABLE, "{kind} \"{}\" does not exist", qname.name));
            };
            if rel.is_view() != (object_type == ObjectType::View) {
                let (is, use_) = if rel.is_view() { ("a view", "DROP VIEW") } else { ("a table", "DROP TABLE") };
                return Err(err!(WRONG_OBJECT_TYPE, "\"{}\" is {is}", qname.name)
                    .with_hint(format!("Use {use_} to remove it.")));
            }
            self.require_on_relation(rel, Privileges::DROP)?;
            self.drop_relation(&state, rel.id, cascade)?;
        }
        Ok(Outcome::command(tag))
    }

    /// Drops a relation; views over it go too with CASCADE, else 2BP01.
    fn drop_relation(&mut self, state: &CatalogState, id: RelId, cascade: bool) -> Result<()> {
        let dependents = state.dependents_of(id);
        if !dependents.is_empty() && !cascade {
            let rel = state.relation(id).expect("exists");
            let dependent = state.relation(dependents[0]).map(|r| r.name.clone()).unwrap_or_default();
            return Err(err!(
                DEPENDENT_OBJECTS_STILL_EXIST,
                "cannot drop {} {} because other objects depend on it",
                if rel.is_view() { "view" } else { "table" },
                rel.name
            )
            .with_detail(format!("view {dependent} depends on {}", rel.name))
            .with_hint("Use DROP ... CASCADE to drop the dependent objects too."));
        }
        for dependent in dependents {
            if self.txn().state().relation(dependent).is_some() {
                self.drop_relation(state, dependent, true)?;
            }
        }
        self.txn().remove_relation(id);
        Ok(())
    }

    fn drop_schema(&mut self, name: &ObjectName, if_exists: bool, cascade: bool) -> Result<()> {
        let schema = name.0.last().and_then(|p| p.as_ident()).map(ident_name).unwrap_or_default();
        let state = Arc::clone(self.txn().state());
        if !state.schemas.contains_key(&schema) {
            if if_exists {
                self.notice(format!("schema \"{schema}\" does not exist, skipping"));
                return Ok(());
            }
            return Err(err!(UNDEFINED_SCHEMA, "schema \"{schema}\" does not exist"));
        }
        self.require_on_schema(&schema, Privileges::DROP)?;
        let members: Vec<RelId> = state.relations_in(&schema).map(|r| r.id).collect();
        if !members.is_empty() && !cascade {
            return Err(err!(
                DEPENDENT_OBJECTS_STILL_EXIST,
                "cannot drop schema {schema} because other objects depend on it"
            )
            .with_hint("Use DROP ... CASCADE to drop the dependent objects too."));
        }
        for id in members {
            if self.txn().state().relation(id).is_some() {
                self.drop_relation(&state, id, true)?;
            }
        }
        self.txn().remove_schema(&schema);
        Ok(())
    }

    pub(crate) async fn alter_table(
        &mut self,
        alter: &AlterTable,
        partition_locations: Vec<String>,
    ) -> Result<Outcome> {
        let qname = qualified_name(&alter.name)?;
        let state = Arc::clone(self.txn().state());
        let Some(rel) = state.lookup(&qname) else {
            if alter.if_exists {
                return Ok(Outcome::command("ALTER TABLE"));
            }
            return Err(Error::undefined_table(&qname.name));
        };
        self.require_on_relation(rel, Privileges::ALTER)?;
        let old_name = rel.qualified_name();
        let mut rel = (**rel).clone();
        if rel.external().is_some() {
            let mut locations = partition_locations.into_iter();
            for operation in &alter.operations {
                self.alter_external(&mut rel, operation, &mut locations)?;
            }
            self.txn().put_relation(rel);
            return Ok(Outcome::command("ALTER TABLE"));
        }
        if !partition_locations.is_empty() {
            return Err(err!(
                WRONG_OBJECT_TYPE,
                "\"{}\" is not an external table: it has no partitions",
                old_name.name
            ));
        }
        for operation in &alter.operations {
            self.alter_one(&state, &mut rel, operation).await?;
        }
        let new_name = rel.qualified_name();
        let id = rel.id;
        self.txn().put_relation(rel);
        for view_id in state.dependents_of(id) {
            let view = Arc::clone(state.relation(view_id).expect("dependent exists"));
            let RelationKind::View(def) = &view.kind else { continue };
            let mut def = def.clone();
            if old_name != new_name {
                def.sql = rename_relation(&def.sql, &old_name, &new_name)?;
            }
            // The view must still plan against the altered table, or the change is refused.
            let statement = crate::sql::parser::parse_one(&def.sql)?;
            if let Err(e) = self.plan(statement).await {
                return Err(err!(
                    DEPENDENT_OBJECTS_STILL_EXIST,
                    "cannot alter table {} because view {} depends on it",
                    old_name.name,
                    view.name
                )
                .with_detail(e.message)
                .with_hint("Drop or replace the view first."));
            }
            let mut view = (*view).clone();
            view.kind = RelationKind::View(def);
            self.txn().put_relation(view);
        }
        Ok(Outcome::command("ALTER TABLE"))
    }

    async fn alter_one(
        &mut self,
        state: &CatalogState,
        rel: &mut Relation,
        operation: &AlterTableOperation,
    ) -> Result<()> {
        if let AlterTableOperation::RenameTable { table_name } = operation {
            let (RenameTableNameKind::As(new) | RenameTableNameKind::To(new)) = table_name;
            let new = ident_name(new.0.last().and_then(|p| p.as_ident()).ok_or_else(|| Error::syntax("invalid name"))?);
            if state.lookup(&QualifiedName { schema: rel.schema.clone(), name: new.clone() }).is_some() {
                return Err(err!(DUPLICATE_TABLE, "relation \"{new}\" already exists"));
            }
            rel.name = new;
            return Ok(());
        }
        let table_name = rel.name.clone();
        let rows = rel.table().map(|t| t.live_rows()).unwrap_or(0);
        let Some(table) = rel.table_mut() else {
            return Err(err!(WRONG_OBJECT_TYPE, "\"{table_name}\" is not a table"));
        };
        match operation {
            AlterTableOperation::AddColumn { column_def, if_not_exists, .. } => {
                let name = ident_name(&column_def.name);
                if table.column(&name).is_some() {
                    if *if_not_exists {
                        return Ok(());
                    }
                    return Err(err!(
                        DUPLICATE_COLUMN,
                        "column \"{name}\" of relation \"{table_name}\" already exists"
                    ));
                }
                let (mut column, _, _) = ddl::column(column_def, table.next_column_id, None)?;
                if column.default.is_some() {
                    // Rows already stored take the default's value, computed once now.
                    let value = self.evaluate_default(&column).await?;
                    column.missing = (!value.is_null()).then(|| value.to_string());
                }
                if column.not_null && column.missing.is_none() && rows > 0 {
                    return Err(err!(
                        NOT_NULL_VIOLATION,
                        "column \"{name}\" of relation \"{table_name}\" contains null values"
                    )
                    .with_hint("Give the new column a DEFAULT."));
                }
                table.next_column_id += 1;
                table.columns.push(column);
            }
            AlterTableOperation::DropColumn { column_names, if_exists, .. } => {
                for ident in column_names {
                    let name = ident_name(ident);
                    let Some(index) = table.column_index(&name) else {
                        if *if_exists {
                            continue;
                        }
                        return Err(Error::undefined_column(&name, &table_name));
                    };
                    let id = table.columns[index].id;
                    if table.distribution == Distribution::Key(id) {
                        return Err(err!(FEATURE_NOT_SUPPORTED, "cannot drop distribution key column \"{name}\""));
                    }
                    if table.sort_key.as_ref().is_some_and(|k| k.columns.contains(&id)) {
                        return Err(err!(FEATURE_NOT_SUPPORTED, "cannot drop sort key column \"{name}\""));
                    }
                    if table.columns.len() == 1 {
                        return Err(err!(
                            FEATURE_NOT_SUPPORTED,
                            "cannot drop the only column of table \"{table_name}\""
                        ));
                    }
                    table.columns.remove(index);
                    table.primary_key.retain(|c| *c != id);
                }
            }
            AlterTableOperation::RenameColumn { old_column_name, new_column_name } => {
                let (old, new) = (ident_name(old_column_name), ident_name(new_column_name));
                if table.column(&new).is_some() {
                    return Err(err!(DUPLICATE_COLUMN, "column \"{new}\" of relation \"{table_name}\" already exists"));
                }
                let index = table.column_index(&old).ok_or_else(|| Error::undefined_column(&old, &table_name))?;
                table.columns[index].name = new;
            }
            other => return Err(err!(FEATURE_NOT_SUPPORTED, "ALTER TABLE {other} is not supported yet")),
        }
        Ok(())
    }

    /// A column's DEFAULT, evaluated once (with the planner's type coercion) to a value.
    async fn evaluate_default(&mut self, column: &Column) -> Result<datafusion::common::ScalarValue> {
        let plan = datafusion::logical_expr::LogicalPlanBuilder::empty(true)
            .project(vec![self.default_value(column)?.alias("value")])?
            .build()?;
        let (_, batches) = self.run_plan(plan).await?;
        let batch =
            batches.iter().find(|b| b.num_rows() > 0).ok_or_else(|| Error::internal("default produced no row"))?;
        Ok(datafusion::common::ScalarValue::try_from_array(batch.column(0), 0)?)
    }

    /// TRUNCATE empties tables. As on Redshift it commits the transaction it runs in.
    /// `COMMENT ON TABLE | VIEW | COLUMN name IS 'text' | NULL` (NULL or '' removes it), shown in
    /// pg_description, `obj_description` and `col_description`.
    pub(crate) fn comment(
        &mut self,
        object_type: ast::CommentObject,
        name: &ObjectName,
        comment: Option<&str>,
    ) -> Result<Outcome> {
        let comment = comment.filter(|c| !c.is_empty()).map(str::to_string);
        let state = Arc::clone(self.txn().state());
        let rel = match object_type {
            ast::CommentObject::Table | ast::CommentObject::View => {
                let qname = qualified_name(name)?;
                let rel = state.lookup(&qname).ok_or_else(|| Error::undefined_table(&qname.name))?;
                let is_view = matches!(rel.kind, RelationKind::View(_));
                if is_view != (object_type == ast::CommentObject::View) {
                    let kind = if is_view { "a view" } else { "a table" };
                    return Err(err!(WRONG_OBJECT_TYPE, "\"{}\" is {kind}", rel.name));
                }
                let mut rel = (**rel).clone();
                rel.comment = comment;
                rel
            }
            ast::CommentObject::Column => {
                let (column, table) =
                    name.0.split_last().ok_or_else(|| Error::syntax("COMMENT ON COLUMN needs table.column"))?;
                if table.is_empty() {
                    return Err(Error::syntax("COMMENT ON COLUMN needs table.column"));
                }
                let column = ident_name(column.as_ident().ok_or_else(|| Error::syntax("invalid column name"))?);
                let qname = qualified_name(&ObjectName(table.to_vec()))?;
                let (rel, _) = state.require_table(&qname)?;
                let mut rel = (**rel).clone();
                let table = rel.table_mut().expect("a table");
                let index = table.column_index(&column).ok_or_else(|| Error::undefined_column(&column, &qname.name))?;
                table.columns[index].comment = comment;
                rel
            }
            other => return Err(err!(FEATURE_NOT_SUPPORTED, "COMMENT ON {other} is not supported")),
        };
        self.require_owner(&rel)?;
        self.txn().put_relation(rel);
        Ok(Outcome::command("COMMENT"))
    }

    pub(crate) fn truncate(&mut self, truncate: &Truncate) -> Result<Outcome> {
        let state = Arc::clone(self.txn().state());
        for target in &truncate.table_names {
            let (rel, _) = state.require_table(&qualified_name(&target.name)?)?;
            self.require_on_relation(rel, Privileges::TRUNCATE)?;
            let mut rel = (**rel).clone();
            let table = rel.table_mut().expect("a table");
            table.segments.clear();
            table.statistics.clear();
            if let Distribution::Auto(_) = table.distribution {
                table.distribution = Distribution::Auto(AutoPlacement::All);
            }
            self.txn().put_relation(rel);
        }
        if self.in_transaction_block() {
            let txn = self.end_transaction();
            self.db.commit(txn)?;
        }
        Ok(Outcome::command("TRUNCATE TABLE"))
    }
}

/// A view's SQL with every reference to table `from` pointing at `to` instead (ALTER TABLE … RENAME).
fn rename_relation(sql: &str, from: &QualifiedName, to: &QualifiedName) -> Result<String> {
    let mut statement = crate::sql::parser::parse_one(sql)?;
    let _ = ast::visit_relations_mut(&mut statement, |name| {
        if qualified_name(name).is_ok_and(|n| &n == from) {
            *name =
                ObjectName::from(vec![ast::Ident::with_quote('"', &to.schema), ast::Ident::with_quote('"', &to.name)]);
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
    Ok(statement.to_string())
}
