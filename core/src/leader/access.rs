//! Privilege checks for statements, and the access-control statements themselves: GRANT /
//! REVOKE, groups, roles, ownership and SET SESSION AUTHORIZATION.
//!
//! Reads are checked where tables are resolved for planning (`provider.rs`), as the user the
//! query runs as, or as a view's owner for the tables inside the view. Writes and DDL are checked
//! here by the statement that performs them.

use crate::catalog::{
    next_id, Acl, CatalogState, DefaultAcl, Grantee, Group, Principal, Privileges, QualifiedName, Relation,
    RelationKind, RlsAttachment, RlsPolicy, Role, DEFAULT_DATABASE,
};
use crate::err;
use crate::error::{Error, Result};
use crate::leader::results::Outcome;
use crate::leader::session::Session;
use crate::sql::access::{AccessCommand, GrantTarget, GroupChange, OwnedObject, PrivilegeChange};
use std::collections::BTreeSet;
use std::sync::Arc;

/// 42501 for a relation, as Redshift words it.
pub fn denied_relation(name: &str) -> Error {
    err!(INSUFFICIENT_PRIVILEGE, "permission denied for relation {name}")
}

pub fn denied_schema(name: &str) -> Error {
    err!(INSUFFICIENT_PRIVILEGE, "permission denied for schema {name}")
}

/// Whether `principal` may read (some of) a relation, and which columns when only column grants
/// allow it (`Some(readable)`, by column position).
pub fn readable_columns(state: &CatalogState, principal: &Principal, rel: &Relation) -> Option<Vec<bool>> {
    if state.relation_privileges(principal, rel).0.contains(Privileges::SELECT) {
        return None;
    }
    let columns = rel.table().map(|t| t.columns.as_slice()).unwrap_or_default();
    Some(columns.iter().map(|c| c.acl.held_by(principal).0.contains(Privileges::SELECT)).collect())
}

impl Session {
    /// The user statements run as, with their groups and roles, in this transaction's catalog.
    pub(crate) fn principal(&mut self) -> Principal {
        let user = self.user.clone();
        let state = Arc::clone(self.txn().state());
        self.cell.principal(&state, &user)
    }

    /// Fails with 42501 unless the user holds `needed` on the relation (any one of them when
    /// `needed` names several) and USAGE on its schema.
    pub(crate) fn require_on_relation(&mut self, rel: &Relation, needed: Privileges) -> Result<()> {
        self.require_on_schema(&rel.schema, Privileges::USAGE)?;
        let principal = self.principal();
        if !self.txn().state().relation_privileges(&principal, rel).0.intersects(needed) {
            return Err(denied_relation(&rel.name));
        }
        Ok(())
    }

    pub(crate) fn require_on_schema(&mut self, schema: &str, needed: Privileges) -> Result<()> {
        let principal = self.principal();
        let state = Arc::clone(self.txn().state());
        let entry = state.require_schema(schema)?;
        if !state.schema_privileges(&principal, entry).0.intersects(needed) {
            return Err(denied_schema(schema));
        }
        Ok(())
    }

    /// UPDATE: on the table, or on each assigned column.
    pub(crate) fn require_update(&mut self, rel: &Relation, assigned: impl Iterator<Item = usize>) -> Result<()> {
        self.require_on_schema(&rel.schema, Privileges::USAGE)?;
        let principal = self.principal();
        if self.txn().state().relation_privileges(&principal, rel).0.contains(Privileges::UPDATE) {
            return Ok(());
        }
        let columns = rel.table().map(|t| t.columns.as_slice()).unwrap_or_default();
        for index in assigned {
            if !columns[index].acl.held_by(&principal).0.contains(Privileges::UPDATE) {
                return Err(denied_relation(&rel.name));
            }
        }
        Ok(())
    }

    /// UPDATE and DELETE read the target's columns their expressions name (SET values, WHERE):
    /// those need SELECT. (The scan that finds the rows reads every column for the rewrite, so
    /// it is not checked column by column itself.) A name shared with another table's column
    /// counts too: stricter, never looser.
    pub(crate) fn require_columns_read<'a>(
        &mut self,
        rel: &Relation,
        exprs: impl Iterator<Item = &'a datafusion::sql::sqlparser::ast::Expr>,
    ) -> Result<()> {
        use datafusion::sql::sqlparser::ast::{visit_expressions, Expr};
        use std::ops::ControlFlow;
        let mut named = BTreeSet::new();
        for expr in exprs {
            let _ = visit_expressions(expr, |e| {
                match e {
                    Expr::Identifier(i) => {
                        named.insert(crate::sql::ddl::ident_name(i));
                    }
                    Expr::CompoundIdentifier(parts) => {
                        named.extend(parts.last().map(crate::sql::ddl::ident_name));
                    }
                    _ => {}
                }
                ControlFlow::<()>::Continue(())
            });
        }
        let principal = self.principal();
        let Some(readable) = readable_columns(self.txn().state(), &principal, rel) else {
            return Ok(());
        };
        let columns = rel.table().map(|t| t.columns.as_slice()).unwrap_or_default();
        match columns.iter().zip(readable).find(|(c, ok)| !ok && named.contains(&c.name)) {
            Some(_) => Err(denied_relation(&rel.name)),
            None => Ok(()),
        }
    }

    /// COMMENT, ANALYZE, VACUUM: the owner's (or a superuser's).
    pub(crate) fn require_owner(&mut self, rel: &Relation) -> Result<()> {
        let principal = self.principal();
        if principal.superuser || principal.user == rel.owner {
            return Ok(());
        }
        Err(err!(INSUFFICIENT_PRIVILEGE, "must be owner of relation {}", rel.name))
    }

    pub(crate) async fn run_access(&mut self, command: AccessCommand) -> Result<Outcome> {
        let tag = command.tag();
        match command {
            AccessCommand::Privileges(change) => self.change_privileges(change)?,
            AccessCommand::Roles { grant, roles, grantees } => self.change_role_grants(grant, &roles, &grantees)?,
            AccessCommand::CreateGroup { name, users } => self.create_group(name, users)?,
            AccessCommand::AlterGroup { name, change } => self.alter_group(&name, change)?,
            AccessCommand::DropGroup { names, if_exists } => self.drop_groups(&names, if_exists)?,
            AccessCommand::CreateRole { name } => self.create_role(name)?,
            AccessCommand::DropRole { names, if_exists, force } => self.drop_roles(&names, if_exists, force)?,
            AccessCommand::SetOwner { object, owner } => self.set_owner(object, &owner)?,
            AccessCommand::CreatePolicy { name, columns, alias, using } => {
                self.create_policy(name, columns, alias, using)?
            }
            AccessCommand::AlterPolicy { name, using } => {
                let mut policy = self.policy_to_change(&name)?;
                policy.using = using;
                self.txn().put_policy(policy);
            }
            AccessCommand::DropPolicy { name, if_exists, cascade } => self.drop_policy(&name, if_exists, cascade)?,
            AccessCommand::AttachPolicy { attach, name, tables, grantees } => {
                self.attach_policy(attach, &name, &tables, &grantees)?
            }
            AccessCommand::RowLevelSecurity { table, conjunction } => {
                let mut rel = (**self.txn().state().require(&table)?).clone();
                if rel.table().is_none() && !rel.is_view() {
                    return Err(err!(FEATURE_NOT_SUPPORTED, "row-level security is not supported on external tables"));
                }
                self.require_owner(&rel)?;
                rel.row_level_security = conjunction;
                self.txn().put_relation(rel);
            }
            AccessCommand::SetSessionAuthorization { user, .. } => self.set_session_authorization(user)?,
            AccessCommand::RotateEncryptionKey => {
                self.require_superuser("rotate the encryption key")?;
                self.db.rotate_encryption_key()?;
            }
        }
        Ok(Outcome::command(tag))
    }

    /// `SET SESSION AUTHORIZATION`: a superuser's session continues as another user (`None`: as
    /// itself again).
    fn set_session_authorization(&mut self, user: Option<String>) -> Result<()> {
        let session_user = self.session_user.clone();
        if !self.txn().state().is_superuser(&session_user) {
            return Err(err!(INSUFFICIENT_PRIVILEGE, "permission denied to set session authorization"));
        }
        let user = match user {
            Some(name) => {
                let name = name.strip_prefix("IAM:").unwrap_or(&name).to_string();
                self.txn().state().require_user(&name)?;
                name
            }
            None => session_user,
        };
        self.set_current_user(&user);
        Ok(())
    }

    fn change_privileges(&mut self, change: PrivilegeChange) -> Result<()> {
        let principal = self.principal();
        let state = Arc::clone(self.txn().state());
        for grantee in &change.grantees {
            check_grantee(&state, grantee)?;
        }
        match &change.target {
            GrantTarget::Tables(names) => {
                for name in names {
                    let rel = Arc::clone(state.require(name)?);
                    self.change_relation_privileges(&principal, &rel, &change)?;
                }
            }
            GrantTarget::AllTablesInSchema(schemas) => {
                for schema in schemas {
                    state.require_schema(schema)?;
                    let relations: Vec<Arc<Relation>> = state.relations_in(schema).cloned().collect();
                    for rel in relations {
                        self.change_relation_privileges(&principal, &rel, &change)?;
                    }
                }
            }
            GrantTarget::Schemas(schemas) => {
                for schema in schemas {
                    let mut entry = state.require_schema(schema)?.clone();
                    let privileges = privileges_for(&change, Privileges::ALL_SCHEMA, "schema")?;
                    let grantable = state.schema_privileges(&principal, &entry).1;
                    check_grantable(grantable, privileges, &format!("schema {schema}"))?;
                    apply(&mut entry.acl, &change, privileges, &principal.user);
                    self.txn().put_schema(entry);
                }
            }
            GrantTarget::Databases(databases) => {
                for database in databases {
                    if database != DEFAULT_DATABASE {
                        return Err(err!(INVALID_CATALOG_NAME, "database \"{database}\" does not exist"));
                    }
                    if !principal.superuser {
                        return Err(err!(INSUFFICIENT_PRIVILEGE, "permission denied for database {database}"));
                    }
                    let privileges = privileges_for(&change, Privileges::CREATE | Privileges::TEMP, "database")?;
                    let mut acl = state.database_acl.clone();
                    apply(&mut acl, &change, privileges, &principal.user);
                    self.txn().put_database_acl(acl);
                }
            }
            GrantTarget::FutureTables { owners, schemas } => {
                let owners = if owners.is_empty() { vec![principal.user.clone()] } else { owners.clone() };
                for owner in &owners {
                    if owner != &principal.user && !principal.superuser {
                        return Err(err!(
                            INSUFFICIENT_PRIVILEGE,
                            "permission denied to change default privileges of user {owner}"
                        ));
                    }
                    if owner != &principal.user {
                        state.require_user(owner)?;
                    }
                }
                for schema in schemas {
                    state.require_schema(schema)?;
                }
                let privileges = privileges_for(
                    &change,
                    Privileges::ALL_TABLE.without(Privileges::RULE | Privileges::TRIGGER),
                    "tables",
                )?;
                let scopes: Vec<Option<String>> =
                    if schemas.is_empty() { vec![None] } else { schemas.iter().cloned().map(Some).collect() };
                let mut defaults = state.default_acls.clone();
                for owner in &owners {
                    for schema in &scopes {
                        let position = defaults.iter().position(|d| &d.owner == owner && &d.schema == schema);
                        let entry = match position {
                            Some(i) => &mut defaults[i],
                            None => {
                                defaults.push(DefaultAcl {
                                    owner: owner.clone(),
                                    schema: schema.clone(),
                                    acl: Acl::default(),
                                });
                                defaults.last_mut().expect("just pushed")
                            }
                        };
                        apply(&mut entry.acl, &change, privileges, owner);
                    }
                }
                defaults.retain(|d| !d.acl.is_empty());
                self.txn().put_default_acls(defaults);
            }
        }
        Ok(())
    }

    /// The grants a new table or view of `owner` in `schema` starts with (ALTER DEFAULT
    /// PRIVILEGES).
    pub(crate) fn default_grants(&mut self, owner: &str, schema: &str) -> Acl {
        let mut acl = Acl::default();
        for default in self.txn().state().default_acls.iter() {
            if default.owner == owner && default.schema.as_deref().is_none_or(|s| s == schema) {
                acl.merge(&default.acl);
            }
        }
        acl
    }

    /// GRANT / REVOKE on one relation (and its columns).
    fn change_relation_privileges(
        &mut self,
        principal: &Principal,
        rel: &Arc<Relation>,
        change: &PrivilegeChange,
    ) -> Result<()> {
        let state = Arc::clone(self.txn().state());
        let grantable = state.relation_privileges(principal, rel).1;
        let mut rel = (**rel).clone();
        let columns_named = change.privileges.iter().flatten().any(|(_, columns)| !columns.is_empty());
        if columns_named {
            let object = format!("relation {}", rel.name);
            let table = rel
                .table_mut()
                .ok_or_else(|| err!(FEATURE_NOT_SUPPORTED, "column privileges are supported on tables only"))?;
            for (privilege, columns) in change.privileges.iter().flatten().filter(|(_, columns)| !columns.is_empty()) {
                if !Privileges::ALL_COLUMN.contains(*privilege) {
                    return Err(err!(
                        INVALID_GRANT_OPERATION,
                        "invalid privilege type {} for column",
                        privilege.names().next().unwrap_or("")
                    ));
                }
                check_grantable(grantable, *privilege, &object)?;
                for column in columns {
                    let c = table
                        .columns
                        .iter_mut()
                        .find(|c| &c.name == column)
                        .ok_or_else(|| err!(UNDEFINED_COLUMN, "column \"{column}\" does not exist"))?;
                    apply(&mut c.acl, change, *privilege, &principal.user);
                }
            }
            // Table-wide privileges named alongside column ones.
            let whole: Privileges = change
                .privileges
                .iter()
                .flatten()
                .filter(|(_, columns)| columns.is_empty())
                .fold(Privileges::NONE, |all, (p, _)| all | *p);
            if !whole.is_empty() {
                check_grantable(grantable, whole, &format!("relation {}", rel.name))?;
                apply(&mut rel.acl, change, whole, &principal.user);
            }
        } else {
            let privileges = privileges_for(
                change,
                Privileges::ALL_TABLE.without(Privileges::RULE | Privileges::TRIGGER),
                "relation",
            )?;
            check_grantable(grantable, privileges, &format!("relation {}", rel.name))?;
            apply(&mut rel.acl, change, privileges, &principal.user);
            if !change.grant && change.privileges.is_none() {
                // REVOKE ALL also takes back the column grants.
                if let Some(table) = rel.table_mut() {
                    for column in &mut table.columns {
                        for grantee in &change.grantees {
                            column.acl.revoke(grantee, Privileges::ALL_COLUMN, change.grant_option_only);
                        }
                    }
                }
            }
        }
        self.txn().put_relation(rel);
        Ok(())
    }

    fn change_role_grants(&mut self, grant: bool, roles: &[String], grantees: &[Grantee]) -> Result<()> {
        self.require_superuser("grant or revoke roles")?;
        let state = Arc::clone(self.txn().state());
        for name in roles {
            let mut role = require_role(&state, name)?.clone();
            for grantee in grantees {
                check_grantee(&state, grantee)?;
                let members = match grantee {
                    Grantee::User(_) => &mut role.users,
                    Grantee::Role(other) if other == name => {
                        return Err(err!(INVALID_GRANT_OPERATION, "role \"{name}\" cannot be granted to itself"))
                    }
                    Grantee::Role(_) => &mut role.roles,
                    _ => return Err(err!(FEATURE_NOT_SUPPORTED, "roles are granted to users and to roles")),
                };
                let member = match grantee {
                    Grantee::User(n) | Grantee::Role(n) => n.clone(),
                    _ => unreachable!("checked above"),
                };
                if grant {
                    members.insert(member);
                } else {
                    members.remove(&member);
                }
            }
            self.txn().put_role(role);
            if grant && holds_itself(self.txn().state(), name) {
                return Err(err!(INVALID_GRANT_OPERATION, "granting role \"{name}\" would create a cycle"));
            }
        }
        Ok(())
    }

    fn create_group(&mut self, name: String, users: Vec<String>) -> Result<()> {
        self.require_superuser("create groups")?;
        let state = Arc::clone(self.txn().state());
        if state.groups.contains_key(&name) {
            return Err(err!(DUPLICATE_OBJECT, "group \"{name}\" already exists"));
        }
        for user in &users {
            state.require_user(user)?;
        }
        let id = next_id(state.groups.values().map(|g| g.id), GROUP_ID_BASE);
        self.txn().put_group(Group { id, name, members: users.into_iter().collect() });
        Ok(())
    }

    pub(crate) fn alter_group(&mut self, name: &str, change: GroupChange) -> Result<()> {
        self.require_superuser("alter groups")?;
        let state = Arc::clone(self.txn().state());
        let mut group =
            state.groups.get(name).cloned().ok_or_else(|| err!(UNDEFINED_OBJECT, "group \"{name}\" does not exist"))?;
        match change {
            GroupChange::AddUsers(users) => {
                for user in users {
                    state.require_user(&user)?;
                    group.members.insert(user);
                }
            }
            GroupChange::DropUsers(users) => {
                for user in users {
                    state.require_user(&user)?;
                    group.members.remove(&user);
                }
            }
            GroupChange::Rename(new_name) => {
                if state.groups.contains_key(&new_name) {
                    return Err(err!(DUPLICATE_OBJECT, "group \"{new_name}\" already exists"));
                }
                self.txn().remove_group(name);
                self.rename_grantee(&Grantee::Group(name.to_string()), &Grantee::Group(new_name.clone()));
                group.name = new_name;
            }
        }
        self.txn().put_group(group);
        Ok(())
    }

    fn drop_groups(&mut self, names: &[String], if_exists: bool) -> Result<()> {
        self.require_superuser("drop groups")?;
        for name in names {
            if !self.txn().state().groups.contains_key(name) {
                if if_exists {
                    continue;
                }
                return Err(err!(UNDEFINED_OBJECT, "group \"{name}\" does not exist"));
            }
            if self.grantee_is_referenced(&Grantee::Group(name.clone())) {
                return Err(err!(
                    DEPENDENT_OBJECTS_STILL_EXIST,
                    "group \"{name}\" cannot be dropped because the group has a privilege on some object"
                ));
            }
            self.txn().remove_group(name);
        }
        Ok(())
    }

    fn create_role(&mut self, name: String) -> Result<()> {
        self.require_superuser("create roles")?;
        let state = Arc::clone(self.txn().state());
        if state.roles.contains_key(&name) {
            return Err(err!(DUPLICATE_OBJECT, "role \"{name}\" already exists"));
        }
        let id = next_id(state.roles.values().map(|r| r.id), ROLE_ID_BASE);
        let owner = self.user.clone();
        self.txn().put_role(Role { id, name, owner, users: BTreeSet::new(), roles: BTreeSet::new() });
        Ok(())
    }

    /// DROP ROLE: refused while the role holds privileges or is granted, unless FORCE (which
    /// takes it back from its holders; its privileges go with it).
    fn drop_roles(&mut self, names: &[String], if_exists: bool, force: bool) -> Result<()> {
        self.require_superuser("drop roles")?;
        for name in names {
            let state = Arc::clone(self.txn().state());
            let Some(role) = state.roles.get(name) else {
                if if_exists {
                    continue;
                }
                return Err(err!(UNDEFINED_OBJECT, "role \"{name}\" does not exist"));
            };
            let grantee = Grantee::Role(name.clone());
            let granted = !role.users.is_empty() || state.roles.values().any(|r| r.roles.contains(name));
            if !force && (granted || self.grantee_is_referenced(&grantee)) {
                return Err(err!(
                    DEPENDENT_OBJECTS_STILL_EXIST,
                    "cannot drop role \"{name}\": it is granted or holds privileges (use DROP ROLE … FORCE)"
                ));
            }
            self.forget_grantee(&grantee);
            for holder in state.roles.values().filter(|r| r.roles.contains(name)) {
                let mut holder = holder.clone();
                holder.roles.remove(name);
                self.txn().put_role(holder);
            }
            self.txn().remove_role(name);
        }
        Ok(())
    }

    fn create_policy(
        &mut self,
        name: String,
        columns: Vec<(String, String)>,
        alias: Option<String>,
        using: String,
    ) -> Result<()> {
        self.require_superuser("create row-level security policies")?;
        let state = Arc::clone(self.txn().state());
        if state.policies.contains_key(&name) {
            return Err(err!(DUPLICATE_OBJECT, "policy \"{name}\" already exists"));
        }
        let id = next_id(state.policies.values().map(|p| p.id), POLICY_ID_BASE);
        let owner = self.user.clone();
        self.txn().put_policy(RlsPolicy { id, name, columns, alias, using, owner, attachments: vec![] });
        Ok(())
    }

    fn policy_to_change(&mut self, name: &str) -> Result<RlsPolicy> {
        self.require_superuser("change row-level security policies")?;
        self.txn()
            .state()
            .policies
            .get(name)
            .cloned()
            .ok_or_else(|| err!(UNDEFINED_OBJECT, "policy \"{name}\" does not exist"))
    }

    fn drop_policy(&mut self, name: &str, if_exists: bool, cascade: bool) -> Result<()> {
        if if_exists && !self.txn().state().policies.contains_key(name) {
            return Ok(());
        }
        let policy = self.policy_to_change(name)?;
        let state = Arc::clone(self.txn().state());
        let attached = policy.attachments.iter().any(|a| state.relation(a.relation).is_some());
        if attached && !cascade {
            return Err(err!(DEPENDENT_OBJECTS_STILL_EXIST, "policy \"{name}\" is attached to a relation")
                .with_hint("Detach it first, or use DROP RLS POLICY … CASCADE."));
        }
        self.txn().remove_policy(name);
        Ok(())
    }

    /// ATTACH / DETACH RLS POLICY: a table must have the columns the policy names.
    fn attach_policy(
        &mut self,
        attach: bool,
        name: &str,
        tables: &[QualifiedName],
        grantees: &[Grantee],
    ) -> Result<()> {
        let mut policy = self.policy_to_change(name)?;
        let state = Arc::clone(self.txn().state());
        let grantor = self.user.clone();
        for table in tables {
            let rel = state.require(table)?;
            let columns: Vec<&str> = match &rel.kind {
                RelationKind::Table(t) => t.columns.iter().map(|c| c.name.as_str()).collect(),
                RelationKind::View(_) => policy.columns.iter().map(|(c, _)| c.as_str()).collect(),
                RelationKind::External(_) => {
                    return Err(err!(
                        FEATURE_NOT_SUPPORTED,
                        "row-level security policies cannot be attached to external tables"
                    ))
                }
            };
            if let Some((missing, _)) = policy.columns.iter().find(|(c, _)| !columns.contains(&c.as_str())) {
                return Err(err!(
                    UNDEFINED_COLUMN,
                    "column \"{missing}\" of policy \"{name}\" does not exist in relation \"{}\"",
                    rel.name
                ));
            }
            for grantee in grantees {
                if matches!(grantee, Grantee::Group(_)) {
                    return Err(err!(
                        FEATURE_NOT_SUPPORTED,
                        "row-level security policies are attached to users, roles or PUBLIC"
                    ));
                }
                check_grantee(&state, grantee)?;
                let position = policy.attachments.iter().position(|a| a.relation == rel.id && &a.grantee == grantee);
                match (attach, position) {
                    (true, None) => policy.attachments.push(RlsAttachment {
                        relation: rel.id,
                        grantee: grantee.clone(),
                        grantor: grantor.clone(),
                    }),
                    (true, Some(_)) => {
                        return Err(err!(
                            DUPLICATE_OBJECT,
                            "policy \"{name}\" is already attached to relation \"{}\" for this grantee",
                            rel.name
                        ))
                    }
                    (false, Some(i)) => {
                        policy.attachments.remove(i);
                    }
                    (false, None) => {
                        return Err(err!(
                            UNDEFINED_OBJECT,
                            "policy \"{name}\" is not attached to relation \"{}\" for this grantee",
                            rel.name
                        ))
                    }
                }
            }
        }
        self.txn().put_policy(policy);
        Ok(())
    }

    /// `ALTER TABLE|VIEW|SCHEMA … OWNER TO user`: a superuser's, or the owner's.
    fn set_owner(&mut self, object: OwnedObject, owner: &str) -> Result<()> {
        let principal = self.principal();
        let state = Arc::clone(self.txn().state());
        state.require_user(owner)?;
        match object {
            OwnedObject::Relation(name) => {
                let mut rel = (**state.require(&name)?).clone();
                if !principal.superuser && principal.user != rel.owner {
                    return Err(err!(INSUFFICIENT_PRIVILEGE, "must be owner of relation {}", rel.name));
                }
                rel.owner = owner.to_string();
                self.txn().put_relation(rel);
            }
            OwnedObject::Schema(name) => {
                let mut entry = state.require_schema(&name)?.clone();
                if !principal.superuser && principal.user != entry.owner {
                    return Err(err!(INSUFFICIENT_PRIVILEGE, "must be owner of schema {name}"));
                }
                entry.owner = owner.to_string();
                self.txn().put_schema(entry);
            }
        }
        Ok(())
    }

    /// Whether any object's grants name `grantee`.
    fn grantee_is_referenced(&mut self, grantee: &Grantee) -> bool {
        self.txn().state().acls().any(|acl| acl.0.iter().any(|i| &i.grantee == grantee))
    }

    /// A renamed user keeps what they own, their grants and their memberships.
    pub(crate) fn rename_owner(&mut self, from: &str, to: &str) {
        self.rename_grantee(&Grantee::User(from.to_string()), &Grantee::User(to.to_string()));
        let state = Arc::clone(self.txn().state());
        for schema in state.schemas.values().filter(|s| s.owner == from) {
            self.txn().put_schema(crate::catalog::SchemaEntry { owner: to.to_string(), ..schema.clone() });
        }
        for rel in state.relations.values().filter(|r| r.owner == from) {
            self.txn().put_relation(Relation { owner: to.to_string(), ..(**rel).clone() });
        }
        for group in state.groups.values().filter(|g| g.members.contains(from)) {
            let mut group = group.clone();
            group.members.remove(from);
            group.members.insert(to.to_string());
            self.txn().put_group(group);
        }
        for role in state.roles.values().filter(|r| r.users.contains(from) || r.owner == from) {
            let mut role = role.clone();
            if role.users.remove(from) {
                role.users.insert(to.to_string());
            }
            if role.owner == from {
                role.owner = to.to_string();
            }
            self.txn().put_role(role);
        }
    }

    /// A dropped user leaves the groups and roles they were in.
    pub(crate) fn remove_from_groups_and_roles(&mut self, user: &str) {
        let state = Arc::clone(self.txn().state());
        for group in state.groups.values().filter(|g| g.members.contains(user)) {
            let mut group = group.clone();
            group.members.remove(user);
            self.txn().put_group(group);
        }
        for role in state.roles.values().filter(|r| r.users.contains(user)) {
            let mut role = role.clone();
            role.users.remove(user);
            self.txn().put_role(role);
        }
    }

    /// Rewrites every grant to or by `from` (a renamed user or group).
    pub(crate) fn rename_grantee(&mut self, from: &Grantee, to: &Grantee) {
        self.edit_acls(|acl| acl.rename(from, to));
    }

    fn forget_grantee(&mut self, grantee: &Grantee) {
        self.edit_acls(|acl| acl.forget(grantee));
    }

    /// Applies `edit` to every ACL in the catalog, writing back only the objects it changed.
    fn edit_acls(&mut self, edit: impl Fn(&mut Acl)) {
        let state = Arc::clone(self.txn().state());
        let changed = |acl: &Acl| {
            let mut edited = acl.clone();
            edit(&mut edited);
            (edited != *acl).then_some(edited)
        };
        if let Some(acl) = changed(&state.database_acl) {
            self.txn().put_database_acl(acl);
        }
        for schema in state.schemas.values() {
            if let Some(acl) = changed(&schema.acl) {
                self.txn().put_schema(crate::catalog::SchemaEntry { acl, ..schema.clone() });
            }
        }
        for rel in state.relations.values() {
            let mut edited = (**rel).clone();
            let mut any = false;
            if let Some(acl) = changed(&rel.acl) {
                edited.acl = acl;
                any = true;
            }
            if let Some(table) = edited.table_mut() {
                for column in &mut table.columns {
                    if let Some(acl) = changed(&column.acl) {
                        column.acl = acl;
                        any = true;
                    }
                }
            }
            if any {
                self.txn().put_relation(edited);
            }
        }
    }
}

/// Ids of groups and roles, above users' (`pg_group.grosysid`, `svv_roles.role_id`).
const GROUP_ID_BASE: u32 = 100;
const ROLE_ID_BASE: u32 = 100_000;
const POLICY_ID_BASE: u32 = 200_000;

fn require_role<'a>(state: &'a CatalogState, name: &str) -> Result<&'a Role> {
    state.roles.get(name).ok_or_else(|| err!(UNDEFINED_OBJECT, "role \"{name}\" does not exist"))
}

/// Whether role `name` is, through roles granted roles, granted to itself.
fn holds_itself(state: &CatalogState, name: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut next: Vec<&str> = vec![name];
    while let Some(role) = next.pop() {
        for holder in state.roles.get(role).map(|r| r.roles.iter()).into_iter().flatten() {
            if holder == name {
                return true;
            }
            if seen.insert(holder.as_str()) {
                next.push(holder);
            }
        }
    }
    false
}

fn check_grantee(state: &CatalogState, grantee: &Grantee) -> Result<()> {
    match grantee {
        Grantee::Public => Ok(()),
        Grantee::User(name) => state.require_user(name).map(|_| ()),
        Grantee::Group(name) if state.groups.contains_key(name) => Ok(()),
        Grantee::Group(name) => Err(err!(UNDEFINED_OBJECT, "group \"{name}\" does not exist")),
        Grantee::Role(name) => require_role(state, name).map(|_| ()),
    }
}

/// The privileges a GRANT/REVOKE names (ALL: `all`), refusing those that do not apply to the
/// object.
fn privileges_for(change: &PrivilegeChange, all: Privileges, object: &str) -> Result<Privileges> {
    let Some(list) = &change.privileges else {
        return Ok(all);
    };
    let mut privileges = Privileges::NONE;
    for (privilege, _) in list {
        if !all.contains(*privilege) {
            let name = privilege.names().next().unwrap_or("");
            return Err(err!(INVALID_GRANT_OPERATION, "invalid privilege type {name} for {object}"));
        }
        privileges |= *privilege;
    }
    Ok(privileges)
}

/// A GRANT/REVOKE by someone who may not grant these privileges fails with 42501.
fn check_grantable(grantable: Privileges, privileges: Privileges, object: &str) -> Result<()> {
    if !grantable.contains(privileges) {
        return Err(err!(INSUFFICIENT_PRIVILEGE, "permission denied for {object}"));
    }
    Ok(())
}

fn apply(acl: &mut Acl, change: &PrivilegeChange, privileges: Privileges, grantor: &str) {
    for grantee in &change.grantees {
        if change.grant {
            acl.grant(grantee, privileges, change.with_grant_option, grantor);
        } else {
            acl.revoke(grantee, privileges, change.grant_option_only);
        }
    }
}
